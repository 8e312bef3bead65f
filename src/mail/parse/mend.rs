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
//! Most messages need neither: the copy is only made when one is found.

use std::borrow::Cow;

/// `raw`, or a copy with those shapes mended.
pub(super) fn mend(raw: &[u8]) -> Cow<'_, [u8]> {
    let mut inserts: Vec<(usize, &[u8])> = short_zones(raw)
        .into_iter()
        .map(|at| (at, &b"  "[..]))
        .collect();
    inserts.extend(separators(raw));
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

/// Where a blank line goes: in the message's header block, and in each part's (after a
/// delimiter line of a boundary the message declares).
fn separators(raw: &[u8]) -> Vec<(usize, &'static [u8])> {
    let boundaries = boundaries(raw);
    let mut out: Vec<_> = missing_separator(raw, 0, &boundaries).into_iter().collect();
    if boundaries.is_empty() {
        return out;
    }
    for (start, line, eol) in lines(raw) {
        if delimiter(line, &boundaries) == Some(false) {
            let block = start + line.len() + eol.len();
            out.extend(missing_separator(raw, block, &boundaries));
        }
    }
    out
}

/// Where the text starts when the header block at `from` has no blank line before it,
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
    const KEY: &[u8] = b"boundary=";
    let mut out: Vec<&[u8]> = Vec::new();
    let mut at = 0;
    while out.len() < 64 && at + KEY.len() <= raw.len() {
        if !raw[at..at + KEY.len()].eq_ignore_ascii_case(KEY) {
            at += 1;
            continue;
        }
        at += KEY.len();
        let rest = &raw[at..];
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
