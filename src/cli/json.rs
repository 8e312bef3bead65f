//! JSON for scripts. Every string (keys too) passes the sanitiser on its way out, and what
//! the JSON is written with escapes every control character, C1 and bidi controls
//! included, as `\uXXXX`: serde_json alone escapes only C0, so U+009B (a one-byte CSI)
//! would otherwise reach a terminal that `jq` or `cat` prints to.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};

use crate::domain::sanitize::{needs_json_escape, sanitize_json};

/// Writes `value` as pretty JSON and a newline.
pub fn write_json<W: Write, T: Serialize + ?Sized>(mut out: W, value: &T) -> anyhow::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter::default());
    value.serialize(&mut ser)?;
    writeln!(out)?;
    Ok(())
}

/// A pretty formatter that collects each string, sanitises it and writes it escaped.
#[derive(Default)]
struct SafeFormatter {
    pretty: PrettyFormatter<'static>,
    string: String,
}

fn unescaped(e: CharEscape) -> char {
    match e {
        CharEscape::Quote => '"',
        CharEscape::ReverseSolidus => '\\',
        CharEscape::Solidus => '/',
        CharEscape::Backspace => '\u{8}',
        CharEscape::FormFeed => '\u{c}',
        CharEscape::LineFeed => '\n',
        CharEscape::CarriageReturn => '\r',
        CharEscape::Tab => '\t',
        CharEscape::AsciiControl(b) => char::from(b),
    }
}

/// `s` as the inside of a JSON string: only printable characters are written as they are.
fn write_escaped<W: ?Sized + Write>(w: &mut W, s: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => Some(Cow::Borrowed("\\\"")),
            '\\' => Some(Cow::Borrowed("\\\\")),
            '\n' => Some(Cow::Borrowed("\\n")),
            '\t' => Some(Cow::Borrowed("\\t")),
            c if needs_json_escape(c) => Some(Cow::Owned(format!("\\u{:04x}", c as u32))),
            _ => None,
        };
        if let Some(e) = escape {
            w.write_all(&s.as_bytes()[start..i])?;
            w.write_all(e.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&s.as_bytes()[start..])
}

impl Formatter for SafeFormatter {
    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.string.clear();
        w.write_all(b"\"")
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, _w: &mut W, s: &str) -> io::Result<()> {
        self.string.push_str(s);
        Ok(())
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        _w: &mut W,
        e: CharEscape,
    ) -> io::Result<()> {
        self.string.push(unescaped(e));
        Ok(())
    }

    fn end_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let string = std::mem::take(&mut self.string);
        write_escaped(w, &sanitize_json(&string))?;
        w.write_all(b"\"")
    }

    // Layout is the pretty formatter's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_json(&mut out, v).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn strings_are_sanitised_and_every_control_escaped() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain", "Hello", "\"Hello\""),
            ("quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\""),
            ("newline and tab kept", "a\n\tb", "\"a\\n\\tb\""),
            ("escape sequence dropped", "a\u{1b}[?1049hb", "\"ab\""),
            ("c1 csi dropped", "a\u{9b}31mb", "\"ab\""),
            ("lone c1 dropped", "a\u{85}b", "\"ab\""),
            ("osc 52 dropped", "a\u{1b}]52;c;eA==\u{7}b", "\"ab\""),
            ("bidi dropped", "a\u{202e}b", "\"ab\""),
            ("line separator escaped", "a\u{2028}b", "\"a\\u2028b\""),
            (
                "cjk and emoji as they are",
                "退货 👩\u{200D}💻",
                "\"退货 👩\u{200D}💻\"",
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(json(&serde_json::json!(input)).trim_end(), *want, "{name}");
        }
    }

    #[test]
    fn structure_and_keys_are_as_serde_json_writes_them() {
        let v = serde_json::json!({"a\u{1b}[1m": [1, true, null, {"b": "c"}], "n": 1.5});
        let got = json(&v);
        let want = serde_json::to_string_pretty(
            &serde_json::json!({"a": [1, true, null, {"b": "c"}], "n": 1.5}),
        )
        .expect("json");
        assert_eq!(got.trim_end(), want);
    }

    #[test]
    fn escaping_is_the_last_guard() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a\u{9b}b\u{1b}c\u{7f}\u{202e}").expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "a\\u009bb\\u001bc\\u007f\\u202e"
        );
    }
}
