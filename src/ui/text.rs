//! Text in terminal columns, for the console's panes and the CLI's tables alike: cutting
//! and padding to a width (CJK and emoji count double), and short ages ("5m", "3h", "2d").

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::sanitize::sanitize_line;

/// How `fit` shows that text was cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The last column is an ellipsis: a table column, where the cut is not otherwise seen.
    Ellipsis,
    /// Cut at the edge (a pane's border shows it); an ellipsis only fills a column that a
    /// wide character left empty.
    Clip,
}

/// `s`, sanitised, cut to `width` terminal columns and padded with spaces to exactly that.
pub fn fit(s: &str, width: usize, cut: Cut) -> String {
    let s = sanitize_line(s);
    let marked = cut == Cut::Ellipsis && s.width() > width;
    let room = if marked {
        width.saturating_sub(1)
    } else {
        width
    };
    let mut out = String::new();
    let mut w = 0;
    let mut short = false;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > room {
            short = true;
            break;
        }
        out.push(c);
        w += cw;
    }
    if marked || (short && w < width) {
        out.push('…');
        w += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(w)));
    out
}

/// "5m", "3h", "2d" from a difference in seconds; negative for a time still to come.
pub fn short_age(secs: i64) -> String {
    let s = secs.abs();
    let v = if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    };
    if secs < 0 { format!("-{v}") } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_columns_not_bytes() {
        let cases = [
            ("abc", 5, Cut::Ellipsis, "abc  "),
            ("abc", 5, Cut::Clip, "abc  "),
            ("我的订单", 8, Cut::Ellipsis, "我的订单"),
            ("我的订单", 8, Cut::Clip, "我的订单"),
            ("hello world", 6, Cut::Ellipsis, "hello…"),
            ("hello world", 6, Cut::Clip, "hello "),
            // a wide character that does not fit leaves a column: the ellipsis takes it
            ("我的订单还没有到", 7, Cut::Ellipsis, "我的订…"),
            ("我的订单还没有到", 7, Cut::Clip, "我的订…"),
            ("我的订单还没有到", 6, Cut::Ellipsis, "我的… "),
            ("我的订单还没有到", 6, Cut::Clip, "我的订"),
            ("a\u{1b}[31mb", 3, Cut::Clip, "ab "),
            ("abc", 0, Cut::Clip, ""),
            ("abc", 0, Cut::Ellipsis, "…"),
            ("", 2, Cut::Ellipsis, "  "),
        ];
        for (s, width, cut, want) in cases {
            assert_eq!(fit(s, width, cut), want, "{s:?} {width} {cut:?}");
        }
    }

    #[test]
    fn short_ages() {
        let cases = [
            (0, "0m"),
            (59, "0m"),
            (300, "5m"),
            (3600, "1h"),
            (86_399, "23h"),
            (2 * 86_400, "2d"),
            (40 * 86_400, "40d"),
            (-7200, "-2h"),
        ];
        for (secs, want) in cases {
            assert_eq!(short_age(secs), want, "{secs}");
        }
    }
}
