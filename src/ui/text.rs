//! Text in terminal columns, for the console's panes and the CLI's tables alike: cutting
//! and padding to a width (CJK and emoji count double), short ages ("5m", "3h", "2d"), and
//! a report's durations and rates.

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

/// A report's duration in seconds: "42m", "3h05m", "2d04h"; "-" without one.
pub fn duration(secs: Option<i64>) -> String {
    match secs {
        None => "-".into(),
        Some(s) if s < 3600 => format!("{}m", s / 60),
        Some(s) if s < 86_400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        Some(s) => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A rate of 0..1 as a whole percentage: "83%"; "-" without one.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".into(), |r| format!("{:.0}%", r * 100.0))
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
    fn report_durations_and_rates() {
        let cases = [
            (None, "-"),
            (Some(0), "0m"),
            (Some(2_519), "41m"),
            (Some(3_600), "1h00m"),
            (Some(11_100), "3h05m"),
            (Some(86_400 * 2 + 4 * 3600 + 59), "2d04h"),
        ];
        for (secs, want) in cases {
            assert_eq!(duration(secs), want, "{secs:?}");
        }
        let rates = [
            (None, "-"),
            (Some(0.0), "0%"),
            (Some(0.826), "83%"),
            (Some(1.0), "100%"),
        ];
        for (rate, want) in rates {
            assert_eq!(percent(rate), want, "{rate:?}");
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
