//! Envelope headers: addresses, ids, subject, date, and the RFC 3834 loop-protection ones.
//! Where a message repeats a field that should be there once, the first one counts.

use mail_parser::{HeaderName, HeaderValue, Message};

use super::encoded_words::{self, Decoded};
use crate::domain::sanitize::sanitize_line;
use crate::domain::{Address, ParsedMessage};

pub(super) fn fill(m: &Message, raw: &[u8], p: &mut ParsedMessage) {
    p.message_id = message_id(m);
    p.in_reply_to = first(m, HeaderName::InReplyTo).map_or_else(Vec::new, ids);
    p.references = first(m, HeaderName::References).map_or_else(Vec::new, ids);
    let address = |name| first(m, name).and_then(HeaderValue::as_address);
    p.from = addresses(address(HeaderName::From)).into_iter().next();
    // the sender's name read again from the field as written: mail-parser joins an
    // encoded word to a quoted string after it and keeps runs of blanks
    if let Some(from) = &mut p.from
        && let Some(name) = first_raw_bytes(m, raw, "From")
            .and_then(|v| encoded_words::display_name(&encoded_words::unfold(v)))
    {
        let name = sanitize_line(name.text.trim());
        from.name = Some(name).filter(|n| !n.is_empty());
    }
    p.reply_to = addresses(address(HeaderName::ReplyTo));
    // Recipients may come in several fields (RFC 5322's obsolete syntax): all of them.
    p.to = m.all_to().flat_map(|a| addresses(Some(a))).collect();
    p.cc = m.all_cc().flat_map(|a| addresses(Some(a))).collect();
    let subject = subject(m, raw);
    p.subject = sanitize_line(&subject.text);

    if subject.undecoded || has_undecoded_word(&p.subject) {
        p.warnings
            .push("Subject has an encoded word that could not be decoded".into());
    }
    if let Some(a) = &p.from
        && a.name.as_deref().is_some_and(has_undecoded_word)
    {
        p.warnings
            .push("From has an encoded word that could not be decoded".into());
    }
    match first(m, HeaderName::Date).and_then(HeaderValue::as_datetime) {
        Some(d) if d.is_valid() => {
            p.date = chrono::DateTime::from_timestamp(d.to_timestamp(), 0);
        }
        _ => {
            if first(m, HeaderName::Date).is_some() {
                p.warnings
                    .push("Date header could not be read; using the server's date".into());
            } else {
                p.warnings
                    .push("no Date header; using the server's date".into());
            }
        }
    }
    if p.message_id.is_none() {
        p.warnings.push("no Message-ID header".into());
    }
    if p.from.is_none() {
        p.warnings.push("no readable From address".into());
    }

    let raw_header = |name: &str| {
        first_raw(m, raw, name)
            .map(|v| sanitize_line(v.trim()))
            .filter(|v| !v.is_empty())
    };
    p.auto.auto_submitted = raw_header("Auto-Submitted");
    p.auto.precedence = raw_header("Precedence");
    p.auto.list_id = raw_header("List-Id");
    p.auto.list_unsubscribe = raw_header("List-Unsubscribe");
    p.auto.return_path = first_raw(m, raw, "Return-Path").map(|v| {
        let v = v.trim().trim_start_matches('<').trim_end_matches('>');
        sanitize_line(v.trim())
    });
}

/// The first field of that name. A message with two (a broken mailer, a gateway that
/// added its own) is read as Python's `email` and most clients read it: the first one
/// counts, where mail-parser's own accessors take the last.
/// The message's Message-ID, from its first such field, as every stored id is read.
/// An id mail-parser cannot read (`<abc@example.com` with no closing bracket, seen from
/// broken mailers) is taken as written, as Python takes it, so replies still find it.
pub(super) fn message_id(m: &Message) -> Option<String> {
    let id = match first(m, HeaderName::MessageId)?.as_text() {
        Some(text) => clean_id(text),
        None => {
            let raw = first_raw_bytes(m, &m.raw_message, "Message-ID")?;
            clean_id(&String::from_utf8_lossy(&encoded_words::unfold(raw)))
        }
    };
    Some(id).filter(|s| !s.is_empty())
}

fn first<'a>(m: &'a Message, name: HeaderName<'static>) -> Option<&'a HeaderValue<'a>> {
    m.header_values(name).next()
}

/// The first field of that name as written (unfolding aside), for the headers read raw.
fn first_raw<'a>(m: &Message, raw: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(first_raw_bytes(m, raw, name)?).ok()
}

fn first_raw_bytes<'a>(m: &Message, raw: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let name = HeaderName::from(name);
    let h = m.headers().iter().find(|h| h.name == name)?;
    raw.get(h.offset_start as usize..h.offset_end as usize)
}

/// The Subject decoded from its raw bytes: mail-parser's own reading collapses blanks and
/// adds a space after every encoded word, so it is read again here as the standards say.
/// The first Subject field counts, like every other header here.
fn subject(m: &Message, raw: &[u8]) -> Decoded {
    let value = m
        .headers()
        .iter()
        .find(|h| h.name == HeaderName::Subject)
        .and_then(|h| raw.get(h.offset_start as usize..h.offset_end as usize));
    match value {
        Some(v) => encoded_words::decode_unstructured(&encoded_words::unfold(v)),
        None => Decoded {
            text: String::new(),
            undecoded: false,
        },
    }
}

pub(super) fn clean_id(s: &str) -> String {
    sanitize_line(
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim(),
    )
}

fn ids(h: &HeaderValue) -> Vec<String> {
    let v: Vec<String> = match h {
        HeaderValue::Text(t) => t.split_whitespace().map(clean_id).collect(),
        HeaderValue::TextList(l) => l.iter().map(|s| clean_id(s)).collect(),
        _ => Vec::new(),
    };
    v.into_iter().filter(|s| !s.is_empty()).collect()
}

fn addresses(a: Option<&mail_parser::Address>) -> Vec<Address> {
    let Some(a) = a else {
        return Vec::new();
    };
    a.iter()
        .filter_map(|x| {
            let email = x.address()?;
            let email = sanitize_line(email);
            if email.is_empty() {
                return None;
            }
            let name = x.name().map(sanitize_line);
            Some(Address::new(&email, name.as_deref()))
        })
        .collect()
}

/// An RFC 2047 word left as-is means mail-parser could not decode it.
fn has_undecoded_word(s: &str) -> bool {
    let Some(i) = s.find("=?") else {
        return false;
    };
    s[i + 2..].contains("?=") && s[i + 2..].matches('?').count() >= 3
}
