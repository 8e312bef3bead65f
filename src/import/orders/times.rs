//! Dates as exports write them: Shopify's `2024-03-01 12:34:56 +0900`, WooCommerce's
//! `2024-03-01 12:34:56` (taken as UTC: the export does not say its zone), RFC 3339, or a
//! bare date.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(t, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_exports_write() {
        let cases = [
            (
                "2024-03-01 12:34:56 +0900",
                Some("2024-03-01T03:34:56+00:00"),
            ),
            (
                "2024-03-01 12:34:56 -0500",
                Some("2024-03-01T17:34:56+00:00"),
            ),
            ("2024-03-01 12:34:56", Some("2024-03-01T12:34:56+00:00")),
            ("2024-03-01T12:34:56Z", Some("2024-03-01T12:34:56+00:00")),
            (
                "2024-03-01T12:34:56+02:00",
                Some("2024-03-01T10:34:56+00:00"),
            ),
            ("2024-03-01", Some("2024-03-01T00:00:00+00:00")),
            ("01/03/2024", None),
            ("yesterday", None),
            ("2024-02-30", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_time(text).map(|d| d.to_rfc3339()).as_deref(),
                expected,
                "{text}"
            );
        }
    }
}
