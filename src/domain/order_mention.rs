//! Order numbers in what people write: the shop's own numbers (a [`NumberPattern`] such as
//! `#{number}` or `SD-{number}`) next to a word for "order" in one of our languages, and
//! the marketplaces' formats (Amazon, eBay), which are trusted wherever they stand.
//!
//! The words and formats are data (`order_mention/words.toml`). A number glued to letters
//! or digits, written after a currency sign or `+`, followed by a currency, or part of a
//! date, a price or a longer number is never an order.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use super::search_text::is_cjk;

/// How the shop writes its order numbers: a literal prefix and suffix around the digits.
/// The default has neither (`#{number}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberPattern {
    prefix: String,
    suffix: String,
}

/// Why a `number_pattern` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("`{0}` has no {{number}} (write e.g. \"#{{number}}\" or \"SD-{{number}}\")")]
    NoNumber(String),
    #[error("`{0}`: use letters, digits and - _ / . around one {{number}}")]
    BadText(String),
    #[error("`{text}`: {message}")]
    Regex { text: String, message: String },
}

const SEPARATORS: &[char] = &['-', '_', '/', '.'];

impl NumberPattern {
    /// `#{number}`, `SD-{number}`, `{number}-EU`. A leading `#` is how numbers are printed,
    /// never part of them (as `order::normalize_number` stores them).
    pub fn parse(text: &str) -> Result<NumberPattern, PatternError> {
        let t = text.trim();
        let Some((prefix, suffix)) = t.split_once("{number}") else {
            return Err(PatternError::NoNumber(t.to_string()));
        };
        let prefix = prefix.trim_start_matches('#');
        let ok = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || SEPARATORS.contains(&c))
        };
        if !ok(prefix) || !ok(suffix) {
            return Err(PatternError::BadText(t.to_string()));
        }
        Ok(NumberPattern {
            prefix: prefix.to_string(),
            suffix: suffix.to_string(),
        })
    }

    /// The number as the orders table stores it.
    pub fn canonical(&self, digits: &str) -> String {
        format!("{}{digits}{}", self.prefix, self.suffix)
    }

    /// Letters of its own make a number recognisable without a word for "order" beside it.
    fn distinctive(&self) -> bool {
        self.prefix
            .chars()
            .chain(self.suffix.chars())
            .any(|c| c.is_ascii_alphabetic())
    }

    /// Separators may be left out or written as another one (`SD1001`, `sd 1001`).
    fn regex(&self) -> String {
        let part = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if SEPARATORS.contains(&c) {
                        "[-_/. ]?".to_string()
                    } else {
                        regex::escape(&c.to_string())
                    }
                })
                .collect()
        };
        format!(
            "(?i)(?:#[ ]?)?{}([0-9]{{3,12}}){}",
            part(&self.prefix),
            part(&self.suffix)
        )
    }
}

#[derive(Debug, Deserialize)]
struct WordsFile {
    language: Vec<Language>,
    marketplace: Vec<Marketplace>,
}

#[derive(Debug, Deserialize)]
struct Language {
    #[cfg_attr(not(test), allow(dead_code))]
    code: String,
    before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Marketplace {
    #[allow(dead_code)]
    name: String,
    pattern: String,
}

/// The words and marketplace formats, compiled once.
struct Words {
    before: Vec<String>,
    after: Vec<String>,
    marketplaces: Vec<Regex>,
    #[cfg_attr(not(test), allow(dead_code))]
    languages: Vec<String>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    // Shipped inside the binary and read by a test, so it cannot fail here.
    let file: WordsFile =
        toml::from_str(include_str!("order_mention/words.toml")).expect("built-in order words");
    Words {
        before: file
            .language
            .iter()
            .flat_map(|l| l.before.iter().cloned())
            .collect(),
        after: file
            .language
            .iter()
            .flat_map(|l| l.after.iter().cloned())
            .collect(),
        marketplaces: file
            .marketplace
            .iter()
            .map(|m| Regex::new(&m.pattern).expect("built-in marketplace format"))
            .collect(),
        languages: file.language.iter().map(|l| l.code.clone()).collect(),
    }
});

/// Finds order numbers in text.
#[derive(Debug, Clone)]
pub struct OrderFinder {
    pattern: NumberPattern,
    regex: Regex,
}

impl Default for OrderFinder {
    fn default() -> Self {
        // The default pattern has no text of its own to break the regex.
        OrderFinder::new(NumberPattern::default()).expect("default order pattern")
    }
}

impl OrderFinder {
    pub fn new(pattern: NumberPattern) -> Result<OrderFinder, PatternError> {
        let regex = Regex::new(&pattern.regex()).map_err(|e| PatternError::Regex {
            text: pattern.canonical("{number}"),
            message: e.to_string(),
        })?;
        Ok(OrderFinder { pattern, regex })
    }

    /// Whether `text`, as a whole, is one of the shop's own numbers (`SD-1002`, `#sd1002`).
    /// Only a pattern with letters of its own can say: a bare `#1677` is anyone's number.
    pub fn is_own_number(&self, text: &str) -> bool {
        self.pattern.distinctive()
            && self
                .regex
                .find(text)
                .is_some_and(|m| m.start() == 0 && m.end() == text.len())
    }

    /// The order numbers in `text`, as stored (`1001`, `SD-1001`, `112-1234567-1234567`),
    /// each once, in the order they first appear.
    pub fn find(&self, text: &str) -> Vec<String> {
        let words = &*WORDS;
        let mut found: Vec<(usize, String)> = Vec::new();
        for caps in self.regex.captures_iter(text) {
            let (Some(m), Some(digits)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if !free_before(text, m.start()) || !free_after(text, m.end()) {
                continue;
            }
            if !self.pattern.distinctive()
                && !word_before(&words.before, text, m.start())
                && !word_after(&words.after, text, m.end())
            {
                continue;
            }
            found.push((m.start(), self.pattern.canonical(digits.as_str())));
        }
        for market in &words.marketplaces {
            for m in market.find_iter(text) {
                if free_before(text, m.start()) && free_after(text, m.end()) {
                    found.push((m.start(), m.as_str().to_string()));
                }
            }
        }
        found.sort_by_key(|(at, _)| *at);
        let mut out: Vec<String> = Vec::new();
        for (_, n) in found {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

const CURRENCY_SIGNS: &[char] = &['+', '$', '€', '£', '¥', '₺', '₽', '₹', '¢'];
const CURRENCY_WORDS: &[&str] = &[
    "eur", "usd", "gbp", "sek", "dkk", "nok", "pln", "try", "rub", "jpy", "cny", "chf", "kr",
    "kr.", "zł", "zl", "tl", "руб", "руб.", "円", "元", "yen", "euro", "euros", "dollars",
];

/// A character that would make the digits part of a longer word or number. Chinese and
/// Japanese are written without spaces, so their characters do not count.
fn glued(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn free_before(text: &str, start: usize) -> bool {
    let mut back = text[..start].chars().rev();
    match back.next() {
        None => true,
        Some(c) if glued(c) || CURRENCY_SIGNS.contains(&c) => false,
        // 2024-03-01, 01.03.2024, 12:30, 1,001
        Some('-' | '/' | '.' | ',' | ':') => !back.next().is_some_and(|d| d.is_ascii_digit()),
        Some(_) => true,
    }
}

fn free_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let mut ahead = rest.chars();
    match ahead.next() {
        None => true,
        Some(c) if glued(c) || CURRENCY_SIGNS.contains(&c) => false,
        Some('-' | '/' | '.' | ',' | ':') => !ahead.next().is_some_and(|d| d.is_ascii_digit()),
        Some(c) if c.is_whitespace() => {
            let next = rest.split_whitespace().next().unwrap_or("").to_lowercase();
            let next = next.trim_end_matches([',', ';', ')', '!', '?']);
            !CURRENCY_WORDS.contains(&next)
        }
        Some(_) => true,
    }
}

/// The text on the number's line within `reach` bytes before `at`.
fn line_before(text: &str, at: usize, reach: usize) -> &str {
    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut from = at.saturating_sub(reach).max(line);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    &text[from..at]
}

fn line_after(text: &str, at: usize, reach: usize) -> &str {
    let line = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let mut to = (at + reach).min(line);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    &text[at..to]
}

/// What stands between a word and the number: no digit, no question or exclamation, and
/// only a few short words ("number", "Nr.", "n°", "番号").
fn gap_ok(gap: &str, max_words: usize, max_chars: usize) -> bool {
    !gap.chars()
        .any(|c| c.is_ascii_digit() || matches!(c, '?' | '!'))
        && gap.chars().count() <= max_chars
        && gap.split_whitespace().count() <= max_words
}

fn starts_word(text: &str, at: usize) -> bool {
    !text[..at].chars().next_back().is_some_and(glued)
}

fn word_before(words: &[String], text: &str, at: usize) -> bool {
    let before = line_before(text, at, 64).to_lowercase();
    words.iter().any(|w| {
        let cjk = w.chars().any(is_cjk);
        let Some(i) = before
            .rmatch_indices(w.as_str())
            .map(|(i, _)| i)
            .find(|&i| cjk || starts_word(&before, i))
        else {
            return false;
        };
        // The rest of the word the stem begins ("Bestell|ung", "siparis|im").
        let gap = before[i + w.len()..].trim_start_matches(glued);
        gap_ok(gap, 3, 30)
    })
}

fn word_after(words: &[String], text: &str, at: usize) -> bool {
    let after = line_after(text, at, 40).to_lowercase();
    words.iter().any(|w| {
        let cjk = w.chars().any(is_cjk);
        after
            .match_indices(w.as_str())
            .map(|(i, _)| i)
            .find(|&i| cjk || starts_word(&after, i))
            .is_some_and(|i| gap_ok(&after[..i], 2, 16))
    })
}

#[cfg(test)]
mod tests;
