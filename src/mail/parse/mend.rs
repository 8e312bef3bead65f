//! Two header shapes that make mail-parser lose a field or the whole text, mended in a
//! copy before it reads the message (the stored source is never changed). Both were found
//! on real-world mail and are read by Python's `email` as the standards say:
//!
//! - A `Date` ending in a one- or two-letter obsolete zone (`UT`, or a military letter
//!   like `Z`, RFC 5322 4.3): mail-parser reads three letters for a zone whatever follows,
//!   so it reads the line break too and the next field (often `From` or `Subject`) is
//!   taken into the date and lost. Two blanks after the zone keep the line break out of
//!   reach; mail-parser reads such a zone as +0000, as RFC 5322 says to.
//! - A header block that ends without the blank line: the first line that is neither a
//!   field nor a continuation starts the body, as Python and RFC 5322 read it (the field
//!   syntax leaves no other reading). mail-parser instead reads the text as more fields
//!   and the message has no text. Only mended when no field follows that line (a stray
//!   line among real fields is left to mail-parser, which skips it).
//!
//! Most messages need neither: the copy is only made when one is found.

use std::borrow::Cow;

/// `raw`, or a copy with those shapes mended.
pub(super) fn mend(raw: &[u8]) -> Cow<'_, [u8]> {
    let zones = short_zones(raw);
    let body_at = missing_separator(raw);
    if zones.is_empty() && body_at.is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + 2 * zones.len() + 2);
    let mut from = 0;
    let mut inserts: Vec<(usize, &[u8])> = zones.into_iter().map(|at| (at, &b"  "[..])).collect();
    if let Some((at, eol)) = body_at {
        inserts.push((at, eol));
    }
    inserts.sort_by_key(|(at, _)| *at);
    for (at, text) in inserts {
        out.extend_from_slice(&raw[from..at]);
        out.extend_from_slice(text);
        from = at;
    }
    out.extend_from_slice(&raw[from..]);
    Cow::Owned(out)
}

/// The lines of `raw`: each line's start, its content (without the line break) and the
/// line break as written.
fn lines(raw: &[u8]) -> impl Iterator<Item = (usize, &[u8], &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= raw.len() {
            return None;
        }
        let start = at;
        at = raw[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| at + i + 1);
        let line = &raw[start..at];
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        Some((start, content, &line[content.len()..]))
    })
}

/// Where two blanks go: after each `Date:`/`Resent-Date:` field (at any depth: forwarded
/// and bounced messages carry their own) whose last token is one or two letters.
fn short_zones(raw: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (start, line, _) in lines(raw) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = &line[..colon];
        if !(name.eq_ignore_ascii_case(b"date") || name.eq_ignore_ascii_case(b"resent-date")) {
            continue;
        }
        let value = line[colon + 1..].trim_ascii_end();
        let token = value
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let before = value.len().checked_sub(token + 1).map(|i| value[i]);
        if (1..=2).contains(&token) && matches!(before, Some(b' ' | b'\t')) {
            out.push(start + colon + 1 + value.len());
        }
    }
    out
}

/// Where the body starts when the header block has no blank line before it, and the
/// line break to insert there.
fn missing_separator(raw: &[u8]) -> Option<(usize, &'static [u8])> {
    let mut fields = 0;
    let mut body_at: Option<(usize, &'static [u8])> = None;
    for (i, (start, line, eol)) in lines(raw).enumerate() {
        if line.is_empty() {
            break;
        }
        if i == 0 && line.starts_with(b"From ") {
            continue;
        }
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if is_field(line) {
            if body_at.is_some() {
                // a field after the stray line: not a body, leave it to mail-parser
                return None;
            }
            fields += 1;
        } else if !continuation && body_at.is_none() {
            if fields == 0 {
                return None;
            }
            let eol: &'static [u8] = if eol == b"\r\n" { b"\r\n" } else { b"\n" };
            body_at = Some((start, eol));
        }
    }
    body_at
}

/// A field's first line: a name of printable characters other than `:` and space, then
/// `:` (RFC 5322 2.2; Python's `headerRE`).
fn is_field(line: &[u8]) -> bool {
    let name = line
        .iter()
        .take_while(|&&b| (0x21..=0x7e).contains(&b) && b != b':')
        .count();
    name > 0 && line.get(name) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mends_only_the_shapes_that_lose_fields() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "clean",
                "From: a@b\r\nSubject: x\r\n\r\nhi\r\n",
                "unchanged",
            ),
            (
                "UT then LF",
                "Date: Sat, 22 Apr 2006 17:14:50 UT\nFrom: a@b\n\nhi\n",
                "Date: Sat, 22 Apr 2006 17:14:50 UT  \nFrom: a@b\n\nhi\n",
            ),
            (
                "military zone then CRLF",
                "Date: Sat, 22 Apr 2006 17:14:50 Z\r\nFrom: a@b\r\n\r\nhi",
                "Date: Sat, 22 Apr 2006 17:14:50 Z  \r\nFrom: a@b\r\n\r\nhi",
            ),
            (
                "three-letter zone",
                "Date: Sat, 22 Apr 2006 17:14:50 GMT\nFrom: a@b\n\nhi",
                "unchanged",
            ),
            (
                "numeric zone",
                "Date: Sat, 22 Apr 2006 17:14:50 +0000\n\nhi",
                "unchanged",
            ),
            (
                "no blank line before the body",
                "From: a@b\nSubject: x\nHello, my order: where is it\nthanks\n",
                "From: a@b\nSubject: x\n\nHello, my order: where is it\nthanks\n",
            ),
            (
                "no blank line, CRLF",
                "From: a@b\r\nthe text\r\n",
                "From: a@b\r\n\r\nthe text\r\n",
            ),
            (
                "a stray line among fields",
                "From: a@b\njunk line\nSubject: x\n\nhi\n",
                "unchanged",
            ),
            ("no field at all", "just text\nmore\n", "unchanged"),
            (
                "mbox From line",
                "From a@b Sat Apr 22\nFrom: a@b\n\nhi\n",
                "unchanged",
            ),
            ("continuation", "Subject: x\n y\n\tz\n\nhi\n", "unchanged"),
            ("empty", "", "unchanged"),
            (
                "no line break at all",
                "Date: 1 Jan 2001 00:00 UT",
                "Date: 1 Jan 2001 00:00 UT  ",
            ),
        ];
        for (name, raw, want) in cases {
            let got = mend(raw.as_bytes());
            let want = if *want == "unchanged" { *raw } else { *want };
            assert_eq!(String::from_utf8_lossy(&got), want, "{name}");
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                want == *raw,
                "{name}: copied"
            );
        }
    }
}
