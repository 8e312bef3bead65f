//! The query language of `list`, `search`, `bulk-reply` and the console's `/`:
//!
//! ```text
//! words "exact phrases" from:anna to:@example.com status:open priority:urgent tag:wismo
//! owner:me owner:none owner:bob order:10023 lang:sv before:2026-11-01 after:7d
//! is:breaching is:approaching is:unanswered is:mine is:unassigned is:repeat
//! -negates any term
//! ```
//! Terms are ANDed, at most `MAX_TERMS` of them. Values may be quoted (`from:"Anna Berg"`). Dates are YYYY-MM-DD (UTC)
//! or relative: `24h`, `7d`, `2w`, `3m` (months of 30 days), `today`, `yesterday`.
//! The parser only builds a plan; `store::query_sql` turns it into SQL whose every value
//! is a bound parameter.

use std::ops::Range;

use chrono::NaiveDate;
use unicode_width::UnicodeWidthStr;

use super::ticket::{Priority, Status};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    /// Whether any term (negated or not) is `is:{flag}`.
    pub fn uses(&self, flag: Flag) -> bool {
        self.terms
            .iter()
            .any(|t| matches!(t.kind, TermKind::Is(f) if f == flag))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negated: bool,
    pub kind: TermKind,
    /// Where the term is in the input, for messages.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TermKind {
    /// A word of full text.
    Word(String),
    /// A quoted phrase of full text.
    Phrase(String),
    From(String),
    To(String),
    Status(Status),
    Priority(Priority),
    Tag(String),
    Owner(Owner),
    Order(String),
    Lang(String),
    Before(DateSpec),
    After(DateSpec),
    Is(Flag),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Me,
    Nobody,
    Agent(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// A service-level clock is breached (by the `[[sla.policy]]` rules; without any,
    /// past the first-response due time and still waiting on us).
    Breaching,
    /// A clock is approaching its due time and none is breached yet.
    Approaching,
    /// No reply from us yet.
    Unanswered,
    Mine,
    Unassigned,
    /// A repeat contact: the customer wrote again soon after a solve (either ticket).
    Repeat,
}

/// A date as written; resolved against "now" when the query runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    Day(NaiveDate),
    /// So many seconds before now.
    Ago(i64),
    Today,
    Yesterday,
}

impl DateSpec {
    /// The Unix time this date stands for, given the current time.
    pub fn resolve(self, now: i64) -> i64 {
        const DAY: i64 = 86_400;
        match self {
            DateSpec::Day(d) => d
                .and_hms_opt(0, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp()),
            DateSpec::Ago(secs) => now - secs,
            DateSpec::Today => now - now.rem_euclid(DAY),
            DateSpec::Yesterday => now - now.rem_euclid(DAY) - DAY,
        }
    }
}

/// The most terms a query may have. Far more than anyone types; it keeps the SQL a query
/// becomes within what SQLite accepts (an expression tree at most 1,000 deep).
pub const MAX_TERMS: usize = 200;

pub const FIELDS: &[&str] = &[
    "from", "to", "status", "priority", "tag", "owner", "order", "lang", "before", "after", "is",
];
const FLAGS: &[&str] = &[
    "breaching",
    "approaching",
    "unanswered",
    "mine",
    "unassigned",
    "repeat",
];

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub message: String,
    /// The bad part of the input.
    pub span: Range<usize>,
}

impl QueryError {
    fn new(message: impl Into<String>, span: Range<usize>) -> QueryError {
        QueryError {
            message: message.into(),
            span,
        }
    }

    /// The input with a caret line under the bad part (terminal columns, so CJK lines up).
    pub fn render_caret(&self, input: &str) -> String {
        let start = floor_char(input, self.span.start.min(input.len()));
        let end = floor_char(input, self.span.end.min(input.len())).max(start);
        let pad = input[..start].width();
        let len = input[start..end].width().max(1);
        format!("  {input}\n  {}{}", " ".repeat(pad), "^".repeat(len))
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn parse_query(input: &str) -> Result<Query, QueryError> {
    let mut terms = Vec::new();
    let mut pos = 0;
    let bytes = input.as_bytes();
    while pos < input.len() {
        let c = input[pos..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        }
        let start = pos;
        let negated = bytes[pos] == b'-';
        if negated {
            pos += 1;
            if pos >= input.len() || input[pos..].starts_with(char::is_whitespace) {
                return Err(QueryError::new(
                    "`-` must be followed by the term it negates",
                    start..start + 1,
                ));
            }
        }
        let (raw, end) = read_token(input, pos)?;
        pos = end;
        let kind = classify(&raw, input, start + negated as usize..end)?;
        if let Some(kind) = kind {
            terms.push(Term {
                negated,
                kind,
                span: start..end,
            });
        }
    }
    if let Some(first_extra) = terms.get(MAX_TERMS) {
        return Err(QueryError::new(
            format!(
                "too many terms ({}): a query may have at most {MAX_TERMS}",
                terms.len()
            ),
            first_extra.span.start..input.len(),
        ));
    }
    Ok(Query { terms })
}

/// A token runs to the next whitespace outside quotes. Returns the token with quotes
/// kept (so the classifier knows what was quoted) and where it ends.
fn read_token(input: &str, start: usize) -> Result<(String, usize), QueryError> {
    let mut in_quote: Option<usize> = None;
    let mut end = input.len();
    for (i, c) in input[start..].char_indices() {
        let at = start + i;
        match c {
            '"' => {
                in_quote = match in_quote {
                    Some(_) => None,
                    None => Some(at),
                }
            }
            c if c.is_whitespace() && in_quote.is_none() => {
                end = at;
                break;
            }
            _ => {}
        }
    }
    if let Some(q) = in_quote {
        return Err(QueryError::new(
            "unterminated quote: add the closing `\"`",
            q..input.len(),
        ));
    }
    Ok((input[start..end].to_string(), end))
}

fn unquote(s: &str) -> String {
    s.replace('"', "")
}

fn classify(raw: &str, _input: &str, span: Range<usize>) -> Result<Option<TermKind>, QueryError> {
    if raw.starts_with('"') {
        let text = unquote(raw);
        return Ok((!text.trim().is_empty()).then_some(TermKind::Phrase(text)));
    }
    let Some(colon) = raw.find(':') else {
        return Ok(Some(TermKind::Word(raw.to_string())));
    };
    let field = &raw[..colon];
    if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(Some(TermKind::Word(raw.to_string())));
    }
    let field_lc = field.to_ascii_lowercase();
    let field_span = span.start..span.start + colon;
    let value_span = span.start + colon + 1..span.end;
    if !FIELDS.contains(&field_lc.as_str()) {
        let hint = closest(&field_lc, FIELDS)
            .map(|f| format!(" (did you mean `{f}:`?)"))
            .unwrap_or_default();
        return Err(QueryError::new(
            format!(
                "unknown field `{field}`{hint}; fields are {}; to search for the text, put it in quotes",
                FIELDS.join(", ")
            ),
            field_span,
        ));
    }
    let value = unquote(&raw[colon + 1..]);
    let value = value.trim();
    if value.is_empty() {
        return Err(QueryError::new(
            format!("`{field_lc}:` needs a value"),
            span.start..span.end,
        ));
    }
    let kind = match field_lc.as_str() {
        "from" => TermKind::From(value.to_lowercase()),
        "to" => TermKind::To(value.to_lowercase()),
        "status" => TermKind::Status(value.parse::<Status>().map_err(|_| {
            QueryError::new(
                format!(
                    "unknown status `{value}`; statuses are new, open, pending, solved, closed"
                ),
                value_span.clone(),
            )
        })?),
        "priority" => TermKind::Priority(
            value
                .parse::<Priority>()
                .map_err(|e| QueryError::new(e, value_span.clone()))?,
        ),
        "tag" => TermKind::Tag(value.to_lowercase()),
        "owner" => TermKind::Owner(match value.to_lowercase().as_str() {
            "me" => Owner::Me,
            "none" | "nobody" => Owner::Nobody,
            _ => Owner::Agent(value.to_string()),
        }),
        "order" => TermKind::Order(value.trim_start_matches('#').to_string()),
        "lang" => {
            let v = value.to_lowercase();
            if v.len() != 2 || !v.chars().all(|c| c.is_ascii_lowercase()) {
                return Err(QueryError::new(
                    format!(
                        "`lang:` takes a two-letter language code such as en, sv, tr, ru, zh; not `{value}`"
                    ),
                    value_span,
                ));
            }
            TermKind::Lang(v)
        }
        "before" => TermKind::Before(parse_date(value, value_span)?),
        "after" => TermKind::After(parse_date(value, value_span)?),
        "is" => {
            let v = value.to_lowercase();
            TermKind::Is(match v.as_str() {
                "breaching" => Flag::Breaching,
                "approaching" => Flag::Approaching,
                "unanswered" => Flag::Unanswered,
                "mine" => Flag::Mine,
                "unassigned" => Flag::Unassigned,
                "repeat" => Flag::Repeat,
                _ => {
                    let hint = closest(&v, FLAGS)
                        .map(|f| format!(" (did you mean `is:{f}`?)"))
                        .unwrap_or_default();
                    return Err(QueryError::new(
                        format!("unknown `is:{value}`{hint}; one of {}", FLAGS.join(", ")),
                        value_span,
                    ));
                }
            })
        }
        _ => return Ok(Some(TermKind::Word(raw.to_string()))),
    };
    Ok(Some(kind))
}

fn parse_date(value: &str, span: Range<usize>) -> Result<DateSpec, QueryError> {
    let v = value.to_lowercase();
    match v.as_str() {
        "today" => return Ok(DateSpec::Today),
        "yesterday" => return Ok(DateSpec::Yesterday),
        _ => {}
    }
    if let Ok(d) = NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
        return Ok(DateSpec::Day(d));
    }
    let unit_at = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (n, unit) = v.split_at(unit_at);
    let secs = match unit {
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "m" => 30 * 86_400,
        "y" => 365 * 86_400,
        _ => 0,
    };
    match n.parse::<i64>() {
        Ok(n) if secs > 0 && n < 100_000 => Ok(DateSpec::Ago(n * secs)),
        _ => Err(QueryError::new(
            format!(
                "bad date `{value}`: use YYYY-MM-DD, today, yesterday, or an age like 24h, 7d, 2w, 3m"
            ),
            span,
        )),
    }
}

/// The candidate within edit distance 2, if any.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;
