//! Mail is hostile input: nothing from it may move the cursor, change colours, set the
//! clipboard or reorder text on screen. Every displayable string is passed through here at
//! the decoding boundary, and views sanitise again before drawing.

/// Width a tab expands to in message text.
const TAB: &str = "    ";

/// Text for one line: controls, escape sequences and bidi overrides removed; newlines and
/// tabs become spaces.
pub fn sanitize_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    clean(s, &mut out, false);
    out
}

/// Multi-line text: as [`sanitize_line`], but `\n` is kept (`\r\n` and lone `\r` become
/// `\n`) and tabs expand to spaces.
pub fn sanitize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    clean(s, &mut out, true);
    out
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

fn clean(s: &str, out: &mut String, multiline: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // the one-byte C1 CSI starts a sequence just like ESC [
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_string(&mut chars),
            '\n' => out.push(if multiline { '\n' } else { ' ' }),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if multiline { '\n' } else { ' ' });
            }
            '\t' => {
                if multiline {
                    out.push_str(TAB)
                } else {
                    out.push(' ')
                }
            }
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
    fn newlines_and_tabs() {
        assert_eq!(sanitize_line("a\r\nb\nc\td"), "a b c d");
        assert_eq!(sanitize_text("a\r\nb\rc\n\td"), "a\nb\nc\n    d");
        assert!(is_clean_line("Order #1001 – Ärende"));
        assert!(!is_clean_line("a\u{1b}[1m"));
    }
}
