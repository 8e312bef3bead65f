//! How much work decoding one message may take. Mail is hostile input: HTML nested a
//! hundred thousand levels deep costs html5ever time quadratic in the depth, and a 50 MB
//! body would otherwise become a 50 MB text row and as large a full-text row. These caps
//! bound every message's decoding whatever its shape, so a sync batch always commits.
//! What is cut is said in a warning on the message; the raw source keeps all of it.

use std::time::{Duration, Instant};

/// Decoded text kept per message (bytes of UTF-8). Past it the text is cut at a line end.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// HTML laid out by html2text per message; more is reduced to plain text without layout.
pub const MAX_LAYOUT_BYTES: usize = 2 * 1024 * 1024;
/// Element nesting html5ever may build. Browsers stop at 512; mail that goes past 256
/// levels is not written by a person, and the parser's cost grows with the square of it.
pub const MAX_HTML_DEPTH: usize = 256;
/// Wall time HTML parsing may take per message, a backstop for shapes the depth cap does
/// not foresee; a realistic newsletter parses in a few milliseconds.
pub const LAYOUT_TIME: Duration = Duration::from_secs(2);

/// The work left for one message.
#[derive(Debug)]
pub(super) struct Budget {
    pub deadline: Instant,
    pub layout_left: usize,
    /// Set once text was dropped to stay under [`MAX_TEXT_BYTES`].
    pub text_cut: bool,
}

impl Budget {
    pub fn start() -> Budget {
        Budget {
            deadline: Instant::now() + LAYOUT_TIME,
            layout_left: MAX_LAYOUT_BYTES,
            text_cut: false,
        }
    }
}

/// Cuts `text` to at most `max` bytes, at the last line end in the final 4 KiB when there
/// is one (else at a character boundary). Returns whether anything was cut.
pub fn cut_text(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let end = text.floor_char_boundary(max);
    let end = match text[end.saturating_sub(4096)..end].rfind('\n') {
        Some(i) => end.saturating_sub(4096) + i,
        None => end,
    };
    text.truncate(end);
    true
}

/// "1 MiB", "512 KiB": sizes in warnings.
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_text_table() {
        let cases: &[(&str, &str, usize, &str, bool)] = &[
            ("short enough", "abc", 3, "abc", false),
            ("at a line end", "one\ntwo\nthree", 10, "one\ntwo", true),
            ("no line end", "abcdef", 4, "abcd", true),
            ("inside a character", "aåä", 2, "a", true),
            ("empty", "", 0, "", false),
        ];
        for (name, input, max, want, cut) in cases {
            let mut s = input.to_string();
            assert_eq!(cut_text(&mut s, *max), *cut, "{name}");
            assert_eq!(s, *want, "{name}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(size(1024 * 1024), "1 MiB");
        assert_eq!(size(50 * 1024 * 1024 + 512 * 1024), "50.5 MiB");
        assert_eq!(size(1000), "1 KiB");
    }
}
