//! Human-readable output: aligned columns that respect wide (CJK) characters, relative ages.

use chrono::{DateTime, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::sanitize::sanitize_line;

/// Pads or truncates `s` to exactly `width` terminal columns.
pub fn fit(s: &str, width: usize) -> String {
    let s = sanitize_line(s);
    if s.width() <= width {
        let pad = width - s.width();
        return format!("{s}{}", " ".repeat(pad));
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    w += 1;
    out.push_str(&" ".repeat(width.saturating_sub(w)));
    out
}

/// "5m", "3h", "2d", "6w" since `at` (RFC 3339).
pub fn age(at: &str, now: DateTime<Utc>) -> String {
    let Ok(t) = DateTime::parse_from_rfc3339(at) else {
        return "?".into();
    };
    let secs = (now - t.with_timezone(&Utc)).num_seconds().max(0);
    match secs {
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s if s < 14 * 86_400 => format!("{}d", s / 86_400),
        s => format!("{}w", s / (7 * 86_400)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_columns_not_bytes() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("我的订单", 8), "我的订单");
        assert_eq!(fit("我的订单还没有到", 7).width(), 7);
        assert_eq!(fit("hello world", 6), "hello…");
    }
}
