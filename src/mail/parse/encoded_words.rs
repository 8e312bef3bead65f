//! RFC 2047 encoded words in unstructured headers (the Subject), decoded as Python's
//! `email` package (`policy.default`) decodes them, the reader most mail software agrees
//! with: whitespace between two encoded words is dropped, whitespace elsewhere is kept as
//! written and none is added, and a word may start in the middle of plain text.
//!
//! Two deliberate differences. Adjacent words in one charset are joined as bytes before
//! the charset decodes them, as RFC 2047 readers must for senders that split a character
//! (ISO-2022-JP, Shift_JIS, UTF-8) across words; Python decodes each word alone and garbles
//! the rest of a stateful charset. And a word in a charset nobody knows whose bytes are not
//! UTF-8 stays as written (with a warning) where Python guesses. Charset tables are
//! mail-parser's; this module only splits, un-Q/un-base64s and joins. It never fails.
//!
//! It reads bytes, not text: a raw 8-bit byte inside a Q word (a gateway that let one
//! through) is that charset's byte, as Python reads it, not U+FFFD. Bytes outside words
//! that are not UTF-8 become U+FFFD.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;

/// A decoded header value, and whether some encoded word had to stay as written.
#[derive(Debug, PartialEq)]
pub(super) struct Decoded {
    pub text: String,
    pub undecoded: bool,
}

/// The value of one raw header field (the bytes after the colon, with the folds), unfolded
/// as Python unfolds it: blanks after the colon are dropped, every CR and LF goes, the
/// blanks that started a continuation line stay. The bytes stay as written.
pub(super) fn unfold(raw: &[u8]) -> Vec<u8> {
    let first_break = raw
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(raw.len());
    let lead = raw[..first_break]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    raw[lead..]
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect()
}

enum Token<'a> {
    /// Blanks; `between_words` when they separate two encoded words (and so are dropped).
    Blank {
        text: &'a [u8],
        between_words: bool,
    },
    Text(&'a [u8]),
    Word(Word<'a>),
}

struct Word<'a> {
    /// As written, for when its charset is unknown.
    raw: &'a [u8],
    /// Lower-case, without an RFC 2231 language (`utf-8*en`).
    charset: String,
    bytes: Vec<u8>,
    /// Base64 that no padding could mend: its text is kept, as Python keeps it, and warned.
    damaged: bool,
}

/// An unstructured header value (already unfolded), as Python's `get_unstructured` reads it.
pub(super) fn decode_unstructured(value: &(impl AsRef<[u8]> + ?Sized)) -> Decoded {
    let mut tokens: Vec<Token> = Vec::new();
    let mut rest = value.as_ref();
    while !rest.is_empty() {
        let blanks = blank_len(rest);
        if blanks > 0 {
            tokens.push(Token::Blank {
                text: &rest[..blanks],
                between_words: false,
            });
            rest = &rest[blanks..];
            continue;
        }
        let mut valid_word = true;
        if rest.starts_with(b"=?") {
            match encoded_word(rest) {
                Parsed::Word(word, after) => {
                    if let [.., Token::Word(_), Token::Blank { between_words, .. }] =
                        tokens.as_mut_slice()
                    {
                        *between_words = true;
                    }
                    tokens.push(Token::Word(word));
                    rest = after;
                    continue;
                }
                Parsed::Invalid => valid_word = false,
                Parsed::Unterminated => {}
            }
        }
        let mut end = rest
            .iter()
            .position(|&b| b == b' ' || b == b'\t')
            .unwrap_or(rest.len());
        // a word that starts inside a run of text is split off (Python does the same)
        if valid_word
            && has_encoded_word(&rest[..end])
            && let Some(at) = find(rest, b"=?")
        {
            end = at;
        }
        tokens.push(Token::Text(&rest[..end]));
        rest = &rest[end..];
    }
    render(&tokens)
}

fn blank_len(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| b == b' ' || b == b'\t').count()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn push_lossy(out: &mut String, bytes: &[u8]) {
    out.push_str(&String::from_utf8_lossy(bytes));
}

fn render(tokens: &[Token]) -> Decoded {
    let mut out = String::new();
    let mut undecoded = false;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Blank {
                between_words: true,
                ..
            } => {}
            Token::Blank { text, .. } | Token::Text(text) => push_lossy(&mut out, text),
            Token::Word(first) => {
                // the run of words in this charset, with the blanks dropped between them
                let mut bytes = first.bytes.clone();
                let mut damaged = first.damaged;
                let mut end = i;
                let mut j = i + 1;
                while j < tokens.len() {
                    match &tokens[j] {
                        Token::Blank {
                            between_words: true,
                            ..
                        } => j += 1,
                        Token::Word(w) if w.charset == first.charset => {
                            bytes.extend_from_slice(&w.bytes);
                            damaged |= w.damaged;
                            end = j;
                            j += 1;
                        }
                        _ => break,
                    }
                }
                if let Some(text) = decode_charset(&first.charset, &bytes) {
                    undecoded |= damaged;
                    out.push_str(&text);
                } else {
                    undecoded = true;
                    for t in &tokens[i..=end] {
                        match t {
                            Token::Blank { text, .. } | Token::Text(text) => {
                                push_lossy(&mut out, text);
                            }
                            Token::Word(w) => push_lossy(&mut out, w.raw),
                        }
                    }
                }
                i = end;
            }
        }
        i += 1;
    }
    Decoded {
        text: out,
        undecoded,
    }
}

enum Parsed<'a> {
    Word(Word<'a>, &'a [u8]),
    /// Shaped wrong (too many `?`, an unknown encoding): plain text.
    Invalid,
    /// No `?=` anywhere after it: plain text.
    Unterminated,
}

/// `=?charset?enc?text?=` at the start of `s`, found as Python's `get_encoded_word` finds it:
/// the word ends at the first `?=`, unless that `?=` is really the `?` after the encoding
/// followed by a Q escape (`?Q?=C3=A9?=`).
fn encoded_word(s: &[u8]) -> Parsed<'_> {
    let body = &s[2..];
    let (inner, after) = match find_close(body, 0, 0) {
        Close::Missing => return Parsed::Unterminated,
        Close::TooMany => return Parsed::Invalid,
        Close::At(close, marks) => {
            let after = &body[close + 2..];
            let hex = |b: Option<&u8>| b.is_some_and(u8::is_ascii_hexdigit);
            if marks < 2 && hex(after.first()) && hex(after.get(1)) {
                match find_close(body, close + 2, marks + 1) {
                    Close::At(end, _) => (&body[..end], &body[end + 2..]),
                    Close::Missing => (body, &b""[..]),
                    Close::TooMany => return Parsed::Invalid,
                }
            } else {
                (&body[..close], after)
            }
        }
    };
    let mut parts = inner.split(|&b| b == b'?');
    let (Some(charset), Some(encoding), Some(text), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Parsed::Invalid;
    };
    let (bytes, damaged) = match encoding {
        b"q" | b"Q" => (unq(text), false),
        b"b" | b"B" => match unbase64(text) {
            Some(bytes) => (bytes, false),
            None => (text.to_vec(), true),
        },
        _ => return Parsed::Invalid,
    };
    let charset = charset.split(|&b| b == b'*').next().unwrap_or_default();
    let charset = String::from_utf8_lossy(charset).to_ascii_lowercase();
    let raw = &s[..s.len() - after.len()];
    Parsed::Word(
        Word {
            raw,
            charset,
            bytes,
            damaged,
        },
        after,
    )
}

enum Close {
    /// Where the first `?=` from `from` is, and how many `?` came before it.
    At(usize, usize),
    /// No `?=` at all.
    Missing,
    /// A third `?` before any `?=`: whatever follows, no valid word ends here. Stopping
    /// there keeps the work linear on a hostile header full of `=?` and no `?=`.
    TooMany,
}

fn find_close(b: &[u8], from: usize, seen: usize) -> Close {
    let mut marks = seen;
    for at in (from..b.len()).filter(|&i| b[i] == b'?') {
        if b.get(at + 1) == Some(&b'=') {
            return Close::At(at, marks);
        }
        marks += 1;
        if marks > 2 {
            return Close::TooMany;
        }
    }
    Close::Missing
}

/// Whether `s` holds something shaped like an encoded word (Python's `rfc2047_matcher`).
fn has_encoded_word(b: &[u8]) -> bool {
    // the last `?=` says at once whether one follows a candidate (linear, not quadratic)
    let Some(last_close) = rfind(b, b"?=") else {
        return false;
    };
    (0..b.len().saturating_sub(1)).any(|at| {
        if &b[at..at + 2] != b"=?" {
            return false;
        }
        let Some(q) = b[at + 2..].iter().position(|&c| c == b'?') else {
            return false;
        };
        let enc = at + 2 + q + 1;
        matches!(b.get(enc), Some(b'q' | b'Q' | b'b' | b'B'))
            && b.get(enc + 1) == Some(&b'?')
            && last_close >= enc + 2
    })
}

/// Q: `_` is a space, `=XX` a byte; anything else, a stray `=` too, stays as it is.
fn unq(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() && hex_pair(b[i + 1], b[i + 2]).is_some() => {
                out.extend(hex_pair(b[i + 1], b[i + 2]));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex_pair(hi: u8, lo: u8) -> Option<u8> {
    let d = |c: u8| (c as char).to_digit(16);
    u8::try_from(d(hi)? * 16 + d(lo)?).ok()
}

/// Base64 as leniently as Python reads it: characters outside the alphabet are skipped,
/// missing padding is fine, padding ends the data; a length no padding can fix (one
/// character past a group of four) is `None`.
fn unbase64(text: &[u8]) -> Option<Vec<u8>> {
    let mut sextets = Vec::with_capacity(text.len());
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' if sextets.len() % 4 >= 2 => break,
            _ => continue,
        };
        sextets.push(u32::from(v));
    }
    if sextets.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for group in sextets.chunks(4) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |acc, (k, v)| acc | (v << (18 - 6 * k)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    Some(out)
}

/// Bytes in a charset: mail-parser's decoders, UTF-8 by hand (mail-parser has no entry
/// for it), and for a charset nobody knows, the bytes when they are plain UTF-8 anyway.
fn decode_charset(charset: &str, bytes: &[u8]) -> Option<String> {
    if matches!(
        charset,
        "utf-8"
            | "utf8"
            | "unicode-1-1-utf-8"
            | "unicode11utf8"
            | "unicode20utf8"
            | "x-unicode20utf8"
    ) {
        return Some(String::from_utf8_lossy(bytes).into_owned());
    }
    if let Some(decode) = charset_decoder(charset.as_bytes()) {
        return Some(decode(bytes));
    }
    match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(s) => Some(s.to_owned()),
        Cow::Owned(_) => None,
    }
}

/// The display name of a `phrase <address>` field value (unfolded), as Python's `email`
/// reads it and RFC 5322 defines it: a run of blanks between words is one space, a quoted
/// string keeps its own blanks, a comment counts as a blank, blanks between two encoded
/// words go, and encoded words are decoded inside quotes too. `None` where the value is
/// not that simple shape (no `<`, or a `,` `;` `:` `@` in the phrase): then the address
/// parser's reading stands.
pub(super) fn display_name(value: &[u8]) -> Option<Decoded> {
    let phrase = &value[..angle_start(value)?];
    // each word, and whether blanks came before it
    let mut tokens: Vec<(Phrase, bool)> = Vec::new();
    let mut blank = false;
    let mut i = 0;
    while i < phrase.len() {
        match phrase[i] {
            b' ' | b'\t' => {
                blank = true;
                i += 1;
            }
            b'(' => {
                i = skip_comment(phrase, i)?;
                blank = true;
            }
            b'"' => {
                let (content, end) = quoted(phrase, i)?;
                tokens.push((Phrase::Quoted(content), blank));
                blank = false;
                i = end;
            }
            b',' | b';' | b':' | b'@' | b'<' | b'>' => return None,
            _ => {
                let end = phrase[i..]
                    .iter()
                    .position(|b| {
                        matches!(
                            b,
                            b' ' | b'\t' | b'(' | b'"' | b',' | b';' | b':' | b'@' | b'<' | b'>'
                        )
                    })
                    .map_or(phrase.len(), |n| i + n);
                tokens.push((Phrase::Atom(&phrase[i..end]), blank));
                blank = false;
                i = end;
            }
        }
    }
    let mut out = String::new();
    let mut undecoded = false;
    let mut k = 0;
    while k < tokens.len() {
        if k > 0 && tokens[k].1 {
            out.push(' ');
        }
        let decoded = match &tokens[k].0 {
            Phrase::Quoted(content) => decode_unstructured(content),
            Phrase::Atom(atom) => {
                // a run of encoded words is decoded as one, so the blanks between them go
                // and a character split across them is joined
                let mut run = atom.to_vec();
                while is_word(atom)
                    && let Some((Phrase::Atom(next), true)) = tokens.get(k + 1)
                    && is_word(next)
                {
                    run.push(b' ');
                    run.extend_from_slice(next);
                    k += 1;
                }
                decode_unstructured(&run)
            }
        };
        undecoded |= decoded.undecoded;
        out.push_str(&decoded.text);
        k += 1;
    }
    Some(Decoded {
        text: out,
        undecoded,
    })
}

enum Phrase<'a> {
    /// A quoted string's content, its escapes undone.
    Quoted(Vec<u8>),
    Atom(&'a [u8]),
}

/// Where the last `<` outside quotes and comments is, when a `>` follows it.
fn angle_start(value: &[u8]) -> Option<usize> {
    let mut last = None;
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'"' => i = quoted(value, i)?.1,
            b'(' => i = skip_comment(value, i)?,
            b'<' => {
                last = Some(i);
                i += 1;
            }
            _ => i += 1,
        }
    }
    last.filter(|&at| value[at..].contains(&b'>'))
}

/// The content of the quoted string starting at `at`, and where it ends; `None` when it
/// never ends.
fn quoted(s: &[u8], at: usize) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut i = at + 1;
    while i < s.len() {
        match s[i] {
            b'\\' if i + 1 < s.len() => {
                out.push(s[i + 1]);
                i += 2;
            }
            b'"' => return Some((out, i + 1)),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    None
}

/// Where the comment starting at `at` ends (comments nest); `None` when it never ends.
fn skip_comment(s: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a blank-free token is one whole encoded word.
fn is_word(t: &[u8]) -> bool {
    t.len() >= 8 && t.starts_with(b"=?") && t.ends_with(b"?=")
}
#[cfg(test)]
mod tests;
