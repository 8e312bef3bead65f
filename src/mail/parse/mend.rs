//! Two header shapes that make mail-parser lose a field or the whole text, mended in a
//! copy before it reads the message (the stored source is never changed). Both were found
//! on real-world mail and are read by Python's `email` as the standards say:
//!
//! - A `Date` ending in a one- or two-letter obsolete zone (`UT`, or a military letter
//!   like `Z`, RFC 5322 4.3): mail-parser reads three letters for a zone whatever follows,
//!   so it reads the line break too and the next field (often `From` or `Subject`) is
//!   taken into the date and lost. Two blanks after the zone keep the line break out of
//!   reach; mail-parser reads such a zone as +0000, as RFC 5322 says to.
//! - A header block (the message's, or a MIME part's after its delimiter line) that ends
//!   without the blank line: the first line that is neither a field nor a continuation
//!   starts the body, as Python and RFC 5322 read it (the field syntax leaves no other
//!   reading). mail-parser instead reads the text as more fields and the message or part
//!   has no text. Only mended when no field follows that line (a stray line among real
//!   fields is left to mail-parser, which skips it).
//!
//! Most messages show neither: [`needed`] looks at mail-parser's first reading (a field
//! that runs over a line, a line it skipped) and only then is the copy made and read.

use std::borrow::Cow;

use mail_parser::{HeaderName, Message, PartType};

/// Whether mail-parser's reading of `m` shows one of those shapes: a `Date` whose value
/// runs over a line break into the next field, a field name with a blank in it (a line
/// of text read as a field), text between fields, or between the last field and the
/// body, that it skipped, or a multipart with no part. Looks at fields only, never at
/// bodies.
pub(super) fn needed(m: &Message) -> bool {
    needed_at(m, 0)
}

fn needed_at(m: &Message, depth: usize) -> bool {
    let raw: &[u8] = &m.raw_message;
    let span = |from: u32, to: u32| raw.get(from as usize..to as usize).unwrap_or_default();
    let skipped = |from: u32, to: u32| span(from, to).iter().any(|&b| b != b'\r' && b != b'\n');
    m.parts.iter().any(|part| {
        let fields = &part.headers;
        let odd_field = fields.iter().any(|h| match &h.name {
            HeaderName::Date | HeaderName::ResentDate => {
                let value = span(h.offset_start, h.offset_end);
                value
                    .windows(2)
                    .any(|w| w[0] == b'\n' && !matches!(w[1], b' ' | b'\t'))
            }
            HeaderName::Other(name) => name.contains([' ', '\t']),
            _ => false,
        });
        let gap = fields.windows(2).any(|w| {
            w[1].offset_field > w[0].offset_end && skipped(w[0].offset_end, w[1].offset_field)
        });
        let gap_before_body = fields.last().is_some_and(|h| {
            part.offset_body > h.offset_end && skipped(h.offset_end, part.offset_body)
        });
        let nested = match &part.body {
            PartType::Message(inner) if depth < 8 => needed_at(inner, depth + 1),
            // a lone part whose fields ran into its text and the closing delimiter
            PartType::Multipart(children) => children.is_empty(),
            _ => false,
        };
        odd_field || gap || gap_before_body || nested
    })
}

/// `raw`, or a copy with those shapes mended.
pub(super) fn mend(raw: &[u8]) -> Cow<'_, [u8]> {
    // one pass over the lines, and each line's first byte is all most of them need
    let boundaries = boundaries(raw);
    let mut inserts: Vec<(usize, &[u8])> = Vec::new();
    inserts.extend(missing_separator(raw, 0, &boundaries));
    for (start, line, eol) in lines(raw) {
        match line.first() {
            Some(b'd' | b'D' | b'r' | b'R') => {
                if let Some(at) = short_zone(line) {
                    inserts.push((start + at, b"  "));
                }
            }
            Some(b'-') if delimiter(line, &boundaries) == Some(false) => {
                let block = start + line.len() + eol.len();
                inserts.extend(missing_separator(raw, block, &boundaries));
            }
            _ => {}
        }
    }
    if inserts.is_empty() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + 2 * inserts.len());
    let mut from = 0;
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

/// Where two blanks go in a `Date:`/`Resent-Date:` field line (at any depth: forwarded
/// and bounced messages carry their own) whose last token is one or two letters.
fn short_zone(line: &[u8]) -> Option<usize> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    if !(name.eq_ignore_ascii_case(b"date") || name.eq_ignore_ascii_case(b"resent-date")) {
        return None;
    }
    let value = line[colon + 1..].trim_ascii_end();
    let token = value
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let before = value.len().checked_sub(token + 1).map(|i| value[i]);
    ((1..=2).contains(&token) && matches!(before, Some(b' ' | b'\t')))
        .then_some(colon + 1 + value.len())
}

/// Where the text starts when the header block at `from` (the message's, or a part's after
/// a delimiter line of a boundary the message declares) has no blank line before it,
/// and the line break to insert there. A block ends at its blank line or at the next
/// delimiter line, so each line is read for at most one block.
fn missing_separator(
    raw: &[u8],
    from: usize,
    boundaries: &[&[u8]],
) -> Option<(usize, &'static [u8])> {
    let mut fields = 0;
    let mut body_at: Option<(usize, &'static [u8])> = None;
    for (i, (start, line, eol)) in lines(&raw[from..]).enumerate() {
        let start = from + start;
        if line.is_empty() || delimiter(line, boundaries).is_some() {
            break;
        }
        if from == 0 && i == 0 && line.starts_with(b"From ") {
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

/// The boundaries the message declares (`boundary=` anywhere, quoted or not), at most 64.
fn boundaries(raw: &[u8]) -> Vec<&[u8]> {
    const KEY: &[u8] = b"boundary";
    let mut out: Vec<&[u8]> = Vec::new();
    let equals = raw.iter().enumerate().filter(|&(_, &b)| b == b'=');
    for (at, _) in equals {
        if out.len() >= 64 {
            break;
        }
        if at < KEY.len() || !raw[at - KEY.len()..at].eq_ignore_ascii_case(KEY) {
            continue;
        }
        let rest = &raw[at + 1..];
        let value = match rest.strip_prefix(b"\"") {
            Some(quoted) => &quoted[..quoted.iter().position(|&b| b == b'"').unwrap_or(0)],
            None => {
                let end = rest
                    .iter()
                    .position(|&b| matches!(b, b';' | b' ' | b'\t' | b'\r' | b'\n'))
                    .unwrap_or(rest.len());
                &rest[..end]
            }
        };
        if !value.is_empty() && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// `Some(false)` for a delimiter line of one of `boundaries`, `Some(true)` for a closing
/// one, `None` for any other line.
fn delimiter(line: &[u8], boundaries: &[&[u8]]) -> Option<bool> {
    let rest = line.strip_prefix(b"--")?.trim_ascii_end();
    boundaries
        .iter()
        .find_map(|b| match rest.strip_prefix(*b)? {
            b"" => Some(false),
            b"--" => Some(true),
            _ => None,
        })
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
    fn only_a_reading_that_lost_something_is_read_again() {
        let nested = "From: a@b\nContent-Type: message/rfc822\n\nDate: 1 Jan 2001 00:00:00 UT\nFrom: c@d\n\nhi\n";
        let cases: &[(&str, &str, bool)] = &[
            ("clean", "From: a@b\r\nSubject: x\r\n\r\nhi\r\n", false),
            ("only fields", "From: a@b\r\nSubject: x\r\n", false),
            (
                "mbox From line",
                "From a@b Sat Apr 22\nFrom: a@b\n\nhi\n",
                false,
            ),
            (
                "zone took the next field",
                "Date: 1 Jan 2001 00:00:00 UT\nFrom: a@b\n\nhi\n",
                true,
            ),
            (
                "zone with CRLF",
                "Date: 1 Jan 2001 00:00:00 UT\r\nFrom: a@b\r\n\r\nhi\r\n",
                false,
            ),
            (
                "text read as a field",
                "From: a@b\nHello, my order: where\n",
                true,
            ),
            (
                "text skipped",
                "From: a@b\nSubject: x\nno colon here\n",
                true,
            ),
            ("in a nested message", nested, true),
            (
                "in a part",
                "From: a@b\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\nbar\n--m--\n",
                true,
            ),
        ];
        for (name, raw, want) in cases {
            let m = crate::mail::parse::parse_raw(raw.as_bytes()).expect("parsed");
            assert_eq!(needed(&m), *want, "{name}");
        }
    }

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
            (
                "a part without the blank line",
                "From: a@b\nContent-Type: multipart/mixed; boundary=foo\n\n--foo\nContent-Type: text/plain\nbar\n--foo--\n",
                "From: a@b\nContent-Type: multipart/mixed; boundary=foo\n\n--foo\nContent-Type: text/plain\n\nbar\n--foo--\n",
            ),
            (
                "quoted boundary, CRLF",
                "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"a b\"\r\n\r\n--a b\r\nContent-Type: text/plain\r\nbar\r\n--a b--\r\n",
                "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"a b\"\r\n\r\n--a b\r\nContent-Type: text/plain\r\n\r\nbar\r\n--a b--\r\n",
            ),
            (
                "parts as they should be",
                "From: a@b\nContent-Type: multipart/mixed; boundary=foo\n\n--foo\nContent-Type: text/plain\n\nbar\n--foo\n\nno headers\n--foo--\n",
                "unchanged",
            ),
            (
                "a part that is only its headers",
                "From: a@b\nContent-Type: multipart/mixed; boundary=foo\n\n--foo\nContent-Type: text/plain\n--foo--\n",
                "unchanged",
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
