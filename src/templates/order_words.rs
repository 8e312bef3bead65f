//! Order status words in the languages we ship templates for, so a Turkish `wismo` says
//! "kargoya verildi", not "shipped". A language missing here (a user's own template in
//! another one) prints our English word.

use crate::domain::order::OrderStatus;

/// Per language, the word for each status in `OrderStatus::ALL` order: placed, paid,
/// shipped, delivered, returned, refunded, cancelled, failed.
const WORDS: &[(&str, [&str; 8])] = &[
    (
        "en",
        [
            "placed",
            "paid",
            "shipped",
            "delivered",
            "returned",
            "refunded",
            "cancelled",
            "failed",
        ],
    ),
    (
        "sv",
        [
            "lagd",
            "betald",
            "skickad",
            "levererad",
            "returnerad",
            "återbetald",
            "avbruten",
            "misslyckad",
        ],
    ),
    (
        "tr",
        [
            "alındı",
            "ödendi",
            "kargoya verildi",
            "teslim edildi",
            "iade edildi",
            "ücreti iade edildi",
            "iptal edildi",
            "başarısız oldu",
        ],
    ),
    (
        "ru",
        [
            "оформлен",
            "оплачен",
            "отправлен",
            "доставлен",
            "возвращён",
            "деньги возвращены",
            "отменён",
            "не прошёл",
        ],
    ),
    (
        "zh",
        [
            "已下单",
            "已付款",
            "已发货",
            "已送达",
            "已退货",
            "已退款",
            "已取消",
            "失败",
        ],
    ),
];

/// `status` (our word, as stored) in `language`; a word we do not know stays as it is.
pub fn status_word(status: &str, language: &str) -> String {
    let Ok(s) = status.parse::<OrderStatus>() else {
        return status.to_string();
    };
    let i = OrderStatus::ALL.iter().position(|x| *x == s).unwrap_or(0);
    let words = WORDS
        .iter()
        .find(|(l, _)| *l == language)
        .or_else(|| WORDS.first())
        .map(|(_, w)| w);
    words
        .and_then(|w| w.get(i))
        .map_or_else(|| s.as_str().to_string(), |w| (*w).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_in_each_shipped_language() {
        #[rustfmt::skip]
        let cases = [
            ("shipped", "tr", "kargoya verildi"),
            ("delivered", "sv", "levererad"),
            ("shipped", "ru", "отправлен"),
            ("cancelled", "zh", "已取消"),
            ("paid", "en", "paid"),
            // a platform's synonym is our word first
            ("fulfilled", "tr", "kargoya verildi"),
            // a language without a table speaks English
            ("shipped", "de", "shipped"),
            // a word that is none of ours is printed as it came
            ("lost at sea", "tr", "lost at sea"),
        ];
        for (status, lang, want) in cases {
            assert_eq!(status_word(status, lang), want, "{status} in {lang}");
        }
    }

    #[test]
    fn every_shipped_language_names_every_status() {
        for lang in ["en", "sv", "tr", "ru", "zh"] {
            assert!(WORDS.iter().any(|(l, _)| *l == lang), "{lang}");
        }
        for (lang, words) in WORDS {
            assert!(words.iter().all(|w| !w.is_empty()), "{lang}");
        }
    }
}
