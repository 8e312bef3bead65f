//! Mail is hostile input: nothing from it may move the cursor, change colours, set the
//! clipboard or reorder text on screen. This is the one sanitiser: every displayable string
//! is passed through here at the decoding boundary, again by the views before drawing, and
//! again by the command line on its way to standard output, for people and for JSON alike.

use std::borrow::Cow;

/// Width a tab expands to in message text.
const TAB: &str = "    ";

/// What happens to line breaks and tabs.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    /// One line: newlines and tabs become spaces.
    Line,
    /// Text: `\n` kept (`\r\n` and lone `\r` become `\n`), tabs expanded.
    Text,
    /// JSON strings: `\n` and `\t` kept as they are, `\r` dropped, so byte ranges into
    /// text that was cleaned when decoded stay valid.
    Json,
}

/// Text for one line: controls, escape sequences and bidi overrides removed; newlines and
/// tabs become spaces.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    clean(s, &mut out, Layout::Line);
    out
}

/// Multi-line text: as [`sanitize_line`], but `\n` is kept (`\r\n` and lone `\r` become
/// `\n`) and tabs expand to spaces.
pub fn sanitize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    clean(s, &mut out, Layout::Text);
    out
}

/// A string for JSON output: as [`sanitize_text`], but tabs stay tabs and `\r` goes, so
/// what was cleaned when decoded comes back unchanged (and unborrowed-from only when not).
pub fn sanitize_json(s: &str) -> Cow<'_, str> {
    if s.chars()
        .all(|c| (c == '\n' || c == '\t' || !c.is_control()) && !is_dropped(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    clean(s, &mut out, Layout::Json);
    Cow::Owned(out)
}

/// Characters JSON output writes as `\uXXXX` even inside a clean string: every control
/// (C0, DEL, C1), the bidi and invisible characters [`sanitize_line`] drops, and the line
/// and paragraph separators that end a line in JavaScript.
pub fn needs_json_escape(c: char) -> bool {
    c.is_control() || is_dropped(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether the string needs no change (the common case: skip the copy).
pub fn is_clean_line(s: &str) -> bool {
    s.chars().all(|c| !is_dropped(c) && !c.is_control())
}

fn is_dropped(c: char) -> bool {
    matches!(c,
        // bidi embeddings, overrides and isolates, and the marks that steer them
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        // invisible characters used to hide or split words (ZWJ is kept: emoji need it)
        | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
        // interlinear annotation, object replacement
        | '\u{FFF9}'..='\u{FFFC}')
}

fn clean(s: &str, out: &mut String, layout: Layout) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // the one-byte C1 CSI starts a sequence just like ESC [
            '\u{9b}' => skip_csi(&mut chars),
            // and the one-byte DCS, SOS, OSC, PM and APC start control strings
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' => out.push(if layout == Layout::Line { ' ' } else { '\n' }),
            '\r' => match layout {
                Layout::Line | Layout::Text => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    out.push(if layout == Layout::Line { ' ' } else { '\n' });
                }
                Layout::Json => {}
            },
            '\t' => match layout {
                Layout::Line => out.push(' '),
                Layout::Text => out.push_str(TAB),
                Layout::Json => out.push('\t'),
            },
            c if c.is_control() || is_dropped(c) => {}
            c => out.push(c),
        }
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI (`ESC [`), OSC/DCS/APC/PM/SOS strings, or a two-character sequence.
fn skip_escape(chars: &mut Chars) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | '_' | '^' | 'X') => skip_string(chars),
        // ESC followed by intermediates then a final byte (e.g. ESC ( B)
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Parameters and intermediates up to the final byte (0x40–0x7E).
fn skip_csi(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // malformed: stop at anything that cannot be part of a CSI
            break;
        }
    }
}

/// A control string ends with BEL or ST (`ESC \` or U+009C).
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain", "Hello, world", "Hello, world"),
            ("colour", "\u{1b}[31mred\u{1b}[0m text", "red text"),
            ("cursor move", "a\u{1b}[2J\u{1b}[10;20Hb", "ab"),
            ("osc 52 clipboard", "x\u{1b}]52;c;cm0gLXJmIH4=\u{7}y", "xy"),
            ("conceal", "a\u{1b}[8mhidden\u{1b}[0mb", "ahiddenb"),
            ("alternate screen", "a\u{1b}[?1049hb", "ab"),
            ("dcs", "a\u{1b}Pq#0;2;0;0;0\u{1b}\\b", "ab"),
            ("c1 dcs", "a\u{90}payload\u{9c}b", "ab"),
            ("c1 osc", "a\u{9d}52;c;eA==\u{7}b", "ab"),
            ("c1 apc", "a\u{9f}payload\u{9c}b", "ab"),
            ("osc title with ST", "x\u{1b}]0;owned\u{1b}\\y", "xy"),
            ("c1 csi", "a\u{9b}31mb", "ab"),
            ("charset switch", "a\u{1b}(Bb", "ab"),
            ("bidi override", "invoice\u{202E}fdp.exe", "invoicefdp.exe"),
            ("bidi isolate", "a\u{2067}b\u{2069}c", "abc"),
            ("bell and backspace", "a\u{7}b\u{8}c", "abc"),
            ("zero width space", "pay\u{200B}pal", "paypal"),
            ("bom", "\u{FEFF}Hej", "Hej"),
            ("emoji zwj kept", "👩\u{200D}💻", "👩\u{200D}💻"),
            ("cjk kept", "我想退货", "我想退货"),
            ("lone esc at end", "abc\u{1b}", "abc"),
            ("del", "a\u{7f}b", "ab"),
        ];
        for (name, input, want) in cases {
            assert_eq!(sanitize_line(input), *want, "{name}");
            assert_eq!(sanitize_text(input), *want, "{name} (text)");
        }
    }

    #[test]
    fn json_keeps_clean_text_as_it_is() {
        let clean = "Line one\n\tindented – Ärende 我想退货 👩\u{200D}💻";
        assert!(matches!(sanitize_json(clean), Cow::Borrowed(_)));
        assert_eq!(
            sanitize_json("a\u{1b}[8mb\r\n\u{9b}31mc\u{202e}d"),
            "ab\ncd"
        );
        for c in [
            '\u{1b}', '\u{7f}', '\u{9b}', '\u{85}', '\u{202e}', '\u{2066}', '\u{2028}',
        ] {
            assert!(needs_json_escape(c), "{c:?}");
        }
        assert!(!needs_json_escape('ä') && !needs_json_escape('\u{200D}'));
    }

    #[test]
    fn newlines_and_tabs() {
        assert_eq!(sanitize_line("a\r\nb\nc\td"), "a b c d");
        assert_eq!(sanitize_text("a\r\nb\rc\n\td"), "a\nb\nc\n    d");
        assert!(is_clean_line("Order #1001 – Ärende"));
        assert!(!is_clean_line("a\u{1b}[1m"));
    }
}
