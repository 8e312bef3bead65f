//! The readable text of a message and its attachments' metadata.

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use super::budget::{Budget, MAX_TEXT_BYTES, cut_text, size};
use super::html;
use crate::domain::sanitize::{sanitize_line, sanitize_text};
use crate::domain::{AttachmentMeta, ParsedMessage};

/// Forwarded messages inside forwarded messages: enough is enough.
const MAX_NESTING: usize = 3;

/// The warnings so far and the work left, passed down the MIME tree.
struct Decoding {
    warnings: Vec<String>,
    budget: Budget,
}

pub(super) fn fill(m: &Message, p: &mut ParsedMessage) {
    let mut cx = Decoding {
        warnings: std::mem::take(&mut p.warnings),
        budget: Budget::start(),
    };
    fill_with(m, p, &mut cx);
    if cx.budget.text_cut {
        cx.warnings.push(format!(
            "text cut at {}; the raw source keeps the whole message",
            size(MAX_TEXT_BYTES)
        ));
    }
    p.warnings = cx.warnings;
}

fn fill_with(m: &Message, p: &mut ParsedMessage, cx: &mut Decoding) {
    let mut text = String::new();
    body_text(m, &mut text, cx, 0);
    if check_boundary(m, &mut cx.warnings) && text.trim().is_empty() {
        // Nothing parsed out of a mangled multipart: show its body as it is.
        if let Some(root) = m.parts.first() {
            let raw: &[u8] = &m.raw_message;
            let start = (root.offset_body as usize).min(raw.len());
            let mut body = &raw[start..];
            // skip the first part's boundary line and headers when they are there
            if body.starts_with(b"--")
                && let Some(i) = find(body, b"\r\n\r\n").or_else(|| find(body, b"\n\n"))
            {
                body = &body[i..];
            }
            let body = &body[..body.len().min(MAX_TEXT_BYTES + 1)];
            append(&mut text, String::from_utf8_lossy(body).trim(), cx);
        }
    }

    for &id in &m.attachments {
        let Some(part) = m.parts.get(id as usize) else {
            continue;
        };
        let named = part.attachment_name().is_some()
            || part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        // An unnamed inline text part is body text that mail-parser could not place
        // (e.g. in a multipart cut short): show it, don't list it.
        match &part.body {
            PartType::Text(t) if !named => {
                append(&mut text, t, cx);
                continue;
            }
            PartType::Html(h) if !named => {
                append_html(&mut text, h, cx);
                continue;
            }
            _ => {}
        }
        let content_type = content_type(part);
        let mut filename = part.attachment_name().map(sanitize_line);
        if let PartType::Message(inner) = &part.body {
            forwarded_text(inner, &mut text, cx, 1);
            if filename.is_none() {
                let subject = inner.subject().map(sanitize_line).unwrap_or_default();
                filename = Some(format!(
                    "{}.eml",
                    if subject.is_empty() {
                        "message"
                    } else {
                        &subject
                    }
                ));
            }
        }
        p.attachments.push(AttachmentMeta {
            filename,
            content_type,
            size: part.len() as u64,
            part: id as usize,
        });
    }
    p.text = sanitize_text(text.trim_end());
    // tabs grow by sanitising: cut again so the cap holds for what is stored
    if cut_text(&mut p.text, MAX_TEXT_BYTES) {
        cx.budget.text_cut = true;
    }
}

/// Appends the body parts (text preferred; HTML converted when it is all there is).
fn body_text(m: &Message, out: &mut String, cx: &mut Decoding, depth: usize) {
    let mut found = false;
    for &id in &m.text_body {
        let Some(part) = m.parts.get(id as usize) else {
            continue;
        };
        check_part(part, id as usize, &mut cx.warnings);
        match &part.body {
            PartType::Text(t) => {
                append(out, t, cx);
                found = true;
            }
            PartType::Html(h) => {
                append_html(out, h, cx);
                found = true;
            }
            _ => {}
        }
    }
    if !found {
        for &id in &m.html_body {
            if let Some(PartType::Html(h)) = m.parts.get(id as usize).map(|p| &p.body) {
                append_html(out, h, cx);
            }
        }
    }
    if depth == 0 && !found {
        // A cut or mangled multipart can leave its text outside the body lists: take any
        // text part that is not an attachment rather than show nothing.
        for (i, part) in m.parts.iter().enumerate() {
            if m.attachments.contains(&(i as u32)) {
                continue;
            }
            match &part.body {
                PartType::Text(t) => append(out, t, cx),
                PartType::Html(h) => append_html(out, h, cx),
                _ => {}
            }
        }
    }
}

fn forwarded_text(m: &Message, out: &mut String, cx: &mut Decoding, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    let line = |s: Option<&str>| s.map(sanitize_line).unwrap_or_default();
    let from = m
        .from()
        .and_then(|a| a.first())
        .map(|a| match (a.name(), a.address()) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        });
    let mut block = String::from("---------- Forwarded message ----------\n");
    block.push_str(&format!("From: {}\n", line(from.as_deref())));
    if let Some(d) = m.date() {
        block.push_str(&format!("Date: {}\n", d.to_rfc822()));
    }
    block.push_str(&format!("Subject: {}\n\n", line(m.subject())));
    body_text(m, &mut block, cx, depth);
    append(out, &block, cx);
}

/// Appends a part's text after a blank line, keeping `out` under [`MAX_TEXT_BYTES`].
fn append(out: &mut String, text: &str, cx: &mut Decoding) {
    let text = text.trim_end();
    if text.is_empty() {
        return;
    }
    if out.len() >= MAX_TEXT_BYTES {
        cx.budget.text_cut = true;
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    let room = MAX_TEXT_BYTES.saturating_sub(out.len());
    if text.len() > room {
        cx.budget.text_cut = true;
        out.push_str(&text[..text.floor_char_boundary(room + 1)]);
        cut_text(out, MAX_TEXT_BYTES);
    } else {
        out.push_str(text);
    }
}

/// Appends an HTML part as text, converted within the message's budget.
fn append_html(out: &mut String, html: &str, cx: &mut Decoding) {
    if out.len() >= MAX_TEXT_BYTES {
        cx.budget.text_cut = true;
        return;
    }
    let room = MAX_TEXT_BYTES - out.len();
    let text = html::html_to_text(html, room, &mut cx.budget, &mut cx.warnings);
    append(out, &text, cx);
}

/// The part's media type, lower-cased and sanitised: it is printed beside the file name.
fn content_type(part: &MessagePart) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", sanitize_line(ct.ctype()), sanitize_line(sub)),
            None => sanitize_line(ct.ctype()),
        }
        .to_ascii_lowercase(),
        None => match part.body {
            PartType::Message(_) => "message/rfc822".into(),
            PartType::Text(_) => "text/plain".into(),
            PartType::Html(_) => "text/html".into(),
            _ => "application/octet-stream".into(),
        },
    }
}

/// Warns about a charset nobody can decode and about parts that decoded with errors.
fn check_part(part: &MessagePart, index: usize, warnings: &mut Vec<String>) {
    if let Some(cs) = part.content_type().and_then(|ct| ct.attribute("charset")) {
        let known = charset_decoder(cs.as_bytes()).is_some()
            || matches!(
                cs.to_ascii_lowercase().as_str(),
                "utf-8" | "utf8" | "us-ascii" | "ascii" | "iso-8859-1" | "latin1" | "x-unknown"
            );
        if !known {
            warnings.push(format!(
                "unknown charset \"{}\" in part {index}; decoded as UTF-8 where possible",
                sanitize_line(cs)
            ));
            return;
        }
    }
    if part.is_encoding_problem {
        warnings.push(format!(
            "part {index} could not be decoded cleanly; some characters may be wrong"
        ));
    }
}

/// A multipart whose boundary never appears was cut or mangled on the way. Returns
/// whether the boundary is missing.
fn check_boundary(m: &Message, warnings: &mut Vec<String>) -> bool {
    let Some(root) = m.parts.first() else {
        return false;
    };
    let Some(ct) = root.content_type() else {
        return false;
    };
    if !ct.ctype().eq_ignore_ascii_case("multipart") {
        return false;
    }
    match ct.attribute("boundary") {
        Some(b) => {
            let marker = format!("--{b}");
            let raw: &[u8] = &m.raw_message;
            if !raw.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                warnings.push(format!(
                    "multipart boundary \"{}\" never appears; the body is shown as found",
                    sanitize_line(b)
                ));
                return true;
            } else {
                // The closing delimiter ends the message: look from the end, so a large
                // attachment before it is not compared byte by byte.
                let end = format!("--{b}--");
                if !raw.windows(end.len()).rev().any(|w| w == end.as_bytes()) {
                    warnings
                        .push("multipart message is not terminated; it may be truncated".into());
                }
            }
        }
        None => {
            warnings.push("multipart message without a boundary".into());
            return true;
        }
    }
    false
}

/// The decoded bytes of MIME part `part` (as recorded in [`AttachmentMeta::part`]).
pub fn attachment_bytes(raw: &[u8], part: usize) -> Option<Vec<u8>> {
    let m = super::parse_raw(raw)?;
    // the same reading as parse_message's, so part numbers agree
    if super::mend::needed(&m)
        && let std::borrow::Cow::Owned(mended) = super::mend::mend(raw)
    {
        return part_bytes(&super::parse_raw(&mended)?, part);
    }
    part_bytes(&m, part)
}

fn part_bytes(m: &Message, part: usize) -> Option<Vec<u8>> {
    let p = m.parts.get(part)?;
    match &p.body {
        PartType::Message(inner) => Some(inner.raw_message.to_vec()),
        _ => Some(p.contents().to_vec()),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + needle.len())
}
