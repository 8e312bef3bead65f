//! MIME → [`ParsedMessage`]: headers, the readable text, attachment metadata and the
//! RFC 3834 headers, all sanitised. Decoding is mail-parser's (RFC 2047/2231, QP, base64,
//! multipart, message/rfc822, every charset with `full_encoding`), except the Subject's
//! encoded words, which [`encoded_words`] reads as the standards (and Python's `email`) do.
//! HTML-only mail is turned into text by html2text, which only lays text out and never runs
//! anything.
//!
//! Never fails and never panics: whatever cannot be decoded cleanly becomes a warning, and
//! the raw source is stored beside the result so nothing is lost. The work per message is
//! bounded whatever its shape ([`budget`]): text kept, HTML laid out, nesting, time.

mod body;
pub mod budget;
mod encoded_words;
mod guard;
mod headers;
mod html;
mod mend;
mod report;

use std::borrow::Cow;

use mail_parser::{HeaderName, Message, MessageParser};

use crate::domain::ParsedMessage;
use crate::domain::quotes::find_quotes;
use crate::domain::sanitize::sanitize_text;

pub use body::attachment_bytes;
pub use guard::panic_is_caught;

/// Decodes one raw message.
pub fn parse_message(raw: &[u8]) -> ParsedMessage {
    let message = if raw.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        parse_raw(raw)
    };
    // read again from a mended copy where mail-parser lost a field or the text
    let mended;
    let original = raw;
    let (raw, message) = match message {
        Some(m) if mend::needed(&m) => match mend::mend(raw) {
            Cow::Owned(copy) => {
                mended = copy;
                (&mended[..], parse_raw(&mended))
            }
            Cow::Borrowed(_) => (raw, Some(m)),
        },
        other => (raw, other),
    };
    let Some(message) = message else {
        return unparseable(original);
    };
    let mut parsed = ParsedMessage::default();
    headers::fill(&message, raw, &mut parsed);
    body::fill(&message, &mut parsed);
    if parsed.from.is_none()
        && parsed.message_id.is_none()
        && parsed.date.is_none()
        && parsed.subject.is_empty()
        && parsed.to.is_empty()
        && parsed.cc.is_empty()
        && !has_mime_fields(&message)
    {
        // mail-parser accepts anything; without a single known header it is not mail
        return unparseable(original);
    }
    parsed.quotes = find_quotes(&parsed.text);
    parsed.report = report::find(&message, &parsed);
    parsed
}

/// Whether the message declares its MIME structure: a message with no envelope fields
/// but a `Content-Type` (a draft, a form's output) is mail, and its parts are read.
fn has_mime_fields(m: &Message) -> bool {
    m.headers()
        .iter()
        .any(|h| matches!(h.name, HeaderName::ContentType | HeaderName::MimeVersion))
}

fn unparseable(raw: &[u8]) -> ParsedMessage {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(64 * 1024)]);
    ParsedMessage {
        text: sanitize_text(&text),
        warnings: vec!["not a mail message: no headers could be parsed; kept as raw text".into()],
        ..Default::default()
    }
}

/// mail-parser's result for the raw message, or `None` where it panics: its
/// quoted-printable decoder underflows on some boundary placements (mail-parser 0.11.9,
/// seed `qp-boundary-underflow.eml`), and one customer's mail must not stop a sync.
/// Such a message is kept as raw text, like any other that cannot be parsed.
pub(crate) fn parse_raw(raw: &[u8]) -> Option<Message<'_>> {
    guard::guarded(|| MessageParser::default().parse(raw))
}

#[cfg(test)]
mod tests;
