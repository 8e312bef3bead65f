//! Tracking numbers: which carrier issued one, whether its check digit holds, and where a
//! customer follows the parcel.
//!
//! The formats are data (`tracking/carriers.toml`), not code: one table of carriers, their
//! number formats with check-digit rules, and the words that name them. A number found in
//! mail is trusted in this order: a format whose check digit holds and that is trusted
//! alone; then, with a word about parcels or a carrier nearby, the carrier named there, a
//! single carrier whose check holds, the shop's own carriers.

mod checksum;

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

pub use checksum::CheckRule;

/// A tracking number with what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    /// Upper-case, without the spaces labels print between groups.
    pub number: String,
    /// The carrier's id in the table (`ups`, `postnord`, …), when known.
    pub carrier_id: Option<String>,
    /// The carrier's name for people (`UPS`, `PostNord`, …).
    pub carrier: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TableFile {
    carrier: Vec<Carrier>,
    s10: S10,
    format: Vec<FormatSpec>,
    context: Context,
}

/// A carrier as the table describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Carrier {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct S10 {
    carriers: BTreeMap<String, String>,
    countries: String,
}

#[derive(Debug, Deserialize)]
struct Context {
    words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct FormatSpec {
    carrier: String,
    name: String,
    pattern: String,
    check: CheckRule,
    #[serde(default)]
    alone: bool,
    /// Read by the table's own test only.
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    valid: Vec<String>,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    invalid: Vec<String>,
}

struct Format {
    spec: FormatSpec,
    regex: Regex,
}

/// The carrier table, parsed and compiled.
pub struct Table {
    carriers: Vec<Carrier>,
    formats: Vec<Format>,
    s10_carriers: BTreeMap<String, String>,
    countries: HashSet<String>,
    context_words: Vec<String>,
}

/// Why the table could not be read: only a broken edit of `carriers.toml` gets here.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("carriers.toml: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("carriers.toml, format {name}: {source}")]
    Pattern { name: String, source: regex::Error },
    #[error("carriers.toml, format {0}: no carrier with that id")]
    UnknownCarrier(String),
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    // The table ships inside the binary and a test reads it, so it cannot fail here.
    Table::parse(include_str!("tracking/carriers.toml")).expect("built-in carrier table")
});

/// The built-in table.
pub fn table() -> &'static Table {
    &TABLE
}

/// One format that matched a number.
#[derive(Debug, Clone, Copy)]
struct Hit<'t> {
    carrier: &'t Carrier,
    /// A real check digit held (not a format without one).
    verified: bool,
    alone: bool,
}

impl Table {
    pub fn parse(text: &str) -> Result<Table, TableError> {
        let file: TableFile = toml::from_str(text)?;
        let mut formats = Vec::with_capacity(file.format.len());
        for spec in file.format {
            if spec.carrier != "s10" && !file.carrier.iter().any(|c| c.id == spec.carrier) {
                return Err(TableError::UnknownCarrier(spec.name));
            }
            let regex = Regex::new(&format!("^(?:{})$", spec.pattern)).map_err(|source| {
                TableError::Pattern {
                    name: spec.name.clone(),
                    source,
                }
            })?;
            formats.push(Format { spec, regex });
        }
        for (country, id) in &file.s10.carriers {
            if !file.carrier.iter().any(|c| &c.id == id) {
                return Err(TableError::UnknownCarrier(format!("s10 {country}")));
            }
        }
        Ok(Table {
            carriers: file.carrier,
            formats,
            s10_carriers: file.s10.carriers,
            countries: file
                .s10
                .countries
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            context_words: file.context.words,
        })
    }

    pub fn carrier(&self, id: &str) -> Option<&Carrier> {
        self.carriers.iter().find(|c| c.id == id)
    }

    /// The carrier a shop or an export names: its id, its name or one of its words, in
    /// any case (`"UPS"`, `"dhl paket"`, `"PostNord"`).
    pub fn carrier_named(&self, name: &str) -> Option<&Carrier> {
        let name = name.trim().to_lowercase();
        if name.is_empty() {
            return None;
        }
        self.carriers
            .iter()
            .find(|c| c.id == name || c.name.to_lowercase() == name || c.words.contains(&name))
    }

    /// Every format `number` (compact, upper-case) fits, with whether its check held.
    fn hits(&self, number: &str) -> Vec<Hit<'_>> {
        let mut hits = Vec::new();
        for format in &self.formats {
            let Some(caps) = format.regex.captures(number) else {
                continue;
            };
            let verified = match (caps.name("serial"), caps.name("check")) {
                (Some(serial), Some(check)) => {
                    format.spec.check.holds(serial.as_str(), check.as_str())
                }
                _ => false,
            };
            if format.spec.check != CheckRule::None && !verified {
                continue;
            }
            let carrier = if format.spec.carrier == "s10" {
                let country = caps.name("country").map_or("", |c| c.as_str());
                if !self.countries.contains(country) {
                    continue;
                }
                let id = self
                    .s10_carriers
                    .get(country)
                    .map_or("postal", String::as_str);
                self.carrier(id)
            } else {
                self.carrier(&format.spec.carrier)
            };
            if let Some(carrier) = carrier {
                hits.push(Hit {
                    carrier,
                    verified,
                    alone: format.spec.alone,
                });
            }
        }
        hits
    }

    fn tracking(&self, number: String, carrier: Option<&Carrier>) -> Tracking {
        let url = carrier
            .and_then(|c| c.url.as_deref())
            .map(|u| u.replace("{number}", &number));
        Tracking {
            carrier_id: carrier.map(|c| c.id.clone()),
            carrier: carrier.map(|c| c.name.clone()),
            url,
            number,
        }
    }

    /// A number known to be a tracking number (an export's column), with the carrier the
    /// export names if any. The export's carrier wins; else the one format whose check
    /// holds, else a format trusted alone. `None` for an empty number.
    pub fn identify(&self, number: &str, carrier_hint: Option<&str>) -> Option<Tracking> {
        let number = compact(number);
        if number.is_empty() {
            return None;
        }
        if let Some(named) = carrier_hint.and_then(|h| self.carrier_named(h)) {
            return Some(self.tracking(number, Some(named)));
        }
        let hits = self.hits(&number);
        let carrier = only_carrier(hits.iter().filter(|h| h.verified))
            .or_else(|| only_carrier(hits.iter().filter(|h| h.alone)));
        Some(self.tracking(number, carrier))
    }

    /// Tracking numbers written in `text` (mail, a note), each once, in order.
    /// `shop_carriers` are the carriers the shop ships with (ids or names), the last word
    /// on a number two carriers' formats both fit.
    pub fn find_in_text(&self, text: &str, shop_carriers: &[String]) -> Vec<Tracking> {
        let shop: Vec<&Carrier> = shop_carriers
            .iter()
            .filter_map(|s| self.carrier_named(s))
            .collect();
        let lower = text.to_lowercase();
        let mut found: Vec<Tracking> = Vec::new();
        for candidate in candidates(text, |n| !self.hits(n).is_empty()) {
            if found.iter().any(|t| t.number == candidate.number) {
                continue;
            }
            let hits = self.hits(&candidate.number);
            if hits.is_empty() {
                continue;
            }
            let window = context_window(&lower, text, candidate.start, candidate.end);
            let named: Vec<&Carrier> = self
                .carriers
                .iter()
                .filter(|c| c.words.iter().any(|w| has_word(window, w)))
                .collect();
            let parcel_words =
                !named.is_empty() || self.context_words.iter().any(|w| has_word(window, w));
            if let Some(carrier) = choose(&hits, &named, &shop, parcel_words) {
                found.push(self.tracking(candidate.number, Some(carrier)));
            }
        }
        found
    }
}

/// The rules of trust for a number found in text, in order (see the module comment).
fn choose<'t>(
    hits: &[Hit<'t>],
    named: &[&Carrier],
    shop: &[&Carrier],
    parcel_words: bool,
) -> Option<&'t Carrier> {
    let is = |a: &Carrier, b: &Carrier| a.id == b.id;
    let trusted: Vec<&Hit> = hits.iter().filter(|h| h.verified && h.alone).collect();
    if !trusted.is_empty() {
        return trusted
            .iter()
            .find(|h| named.iter().any(|n| is(n, h.carrier)))
            .or_else(|| {
                trusted
                    .iter()
                    .find(|h| shop.iter().any(|s| is(s, h.carrier)))
            })
            .or(trusted.first())
            .map(|h| h.carrier);
    }
    if !parcel_words {
        return None;
    }
    let verified: Vec<&Hit> = hits.iter().filter(|h| h.verified).collect();
    if let Some(h) = verified
        .iter()
        .find(|h| named.iter().any(|n| is(n, h.carrier)))
    {
        return Some(h.carrier);
    }
    if let Some(c) = only_carrier(verified.iter().copied()) {
        return Some(c);
    }
    if let Some(h) = verified
        .iter()
        .find(|h| shop.iter().any(|s| is(s, h.carrier)))
    {
        return Some(h.carrier);
    }
    // Formats with no check digit at all: only the carrier named beside the number, or a
    // format trusted alone by its letters (JJD…, TBA…).
    let unchecked: Vec<&Hit> = hits.iter().filter(|h| !h.verified).collect();
    unchecked
        .iter()
        .find(|h| named.iter().any(|n| is(n, h.carrier)))
        .or_else(|| unchecked.iter().find(|h| h.alone))
        .map(|h| h.carrier)
}

/// The carrier when every hit names the same one.
fn only_carrier<'t, 'h>(hits: impl Iterator<Item = &'h Hit<'t>>) -> Option<&'t Carrier>
where
    't: 'h,
{
    let mut carrier: Option<&Carrier> = None;
    for h in hits {
        match carrier {
            None => carrier = Some(h.carrier),
            Some(c) if c.id == h.carrier.id => {}
            Some(_) => return None,
        }
    }
    carrier
}

/// Upper-case, without the blanks and dashes labels and people put between groups.
pub fn compact(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

struct Candidate {
    number: String,
    start: usize,
    end: usize,
}

/// Runs of ASCII letters and digits that could be a number: a token alone, or digit groups
/// printed with single spaces between them (`0414 4176 0228 964`), the longest run that
/// `fits` wins. A token right after `+`, `#` or a currency sign is a phone number, an
/// order or a price, never a parcel.
fn candidates(text: &str, fits: impl Fn(&str) -> bool) -> Vec<Candidate> {
    let tokens: Vec<(usize, usize)> = tokens(text);
    let bytes = text.as_bytes();
    let digits =
        |(s, e): (usize, usize)| e - s <= 6 && text[s..e].bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (start, end) = tokens[i];
        if excluded_before(text, start) {
            i += 1;
            continue;
        }
        // How far digit groups joined by single spaces reach.
        let mut last = i;
        while last + 1 < tokens.len()
            && digits(tokens[last])
            && digits(tokens[last + 1])
            && tokens[last + 1].0 == tokens[last].1 + 1
            && bytes[tokens[last].1] == b' '
            && tokens[last + 1].1 - start <= 48
        {
            last += 1;
        }
        let joined = (i + 1..=last).rev().find_map(|j| {
            let number = compact(&text[start..tokens[j].1]);
            (plausible(&number) && fits(&number)).then_some((j, number))
        });
        if let Some((j, number)) = joined {
            out.push(Candidate {
                number,
                start,
                end: tokens[j].1,
            });
            i = j + 1;
            continue;
        }
        let number = text[start..end].to_ascii_uppercase();
        if plausible(&number) && fits(&number) {
            out.push(Candidate { number, start, end });
        }
        i += 1;
    }
    out
}

fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().enumerate() {
        match (b.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// At least 8 digits and 10 characters: shorter runs are never parcels.
fn plausible(number: &str) -> bool {
    (10..=40).contains(&number.len()) && number.bytes().filter(u8::is_ascii_digit).count() >= 8
}

fn excluded_before(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '+' | '#' | '$' | '€' | '£' | '¥' | '₺' | '₽'))
}

/// The lower-cased text from a line's reach before the number to a little after it.
fn context_window<'a>(lower: &'a str, text: &str, start: usize, end: usize) -> &'a str {
    // `lower` may differ in length from `text` (a few letters change size when
    // lower-cased); fall back to all of it rather than cut inside a character.
    if lower.len() != text.len() {
        return lower;
    }
    let mut from = start.saturating_sub(80);
    while !lower.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(lower.len());
    while !lower.is_char_boundary(to) {
        to += 1;
    }
    &lower[from..to]
}

/// `word` in `text` with no letter or digit glued to either side.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, m)| {
        let before = text[..i].chars().next_back();
        let after = text[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
            || !word.is_ascii()
    })
}

#[cfg(test)]
mod tests;
