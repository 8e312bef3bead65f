//! Quicker ways to a message search's answer, for the two shapes most searches have: text
//! alone, and one `from:` alone. Each reads far fewer rows than the full plan and is
//! exact: it returns what the full plan returns, in the same order, or says it cannot be
//! sure, and then the full plan runs (`store::search::run_ids`).
//!
//! Text alone: the full plan reads the message row of every match to break bm25 ties by
//! date, which costs more than ranking them. Here the text index alone ranks the matches
//! and keeps the best few hundred; only the rows that can be in the answer (those scoring
//! at least as well as the `limit`-th) are read for their dates. Mail written from
//! templates ties often (hundreds of messages with one score), hence the room kept past
//! `limit`; when even that is all one tie, every match scoring as well as the `limit`-th
//! is read instead (`tied`).
//!
//! One `from:` alone, newest first: a value few messages have (one customer's address) is
//! answered from the trigram index by its first characters (the common ones of a shared
//! domain make the whole value slow to look up there); a value many have (a domain, a
//! common name) by walking the date index newest first until enough of its entries are
//! candidates that pass. Which one is decided by counting candidates, up to the number
//! past which reading them costs more than the walk would (`rare_cap`).
//!
//! Text alone, newest first: the text index lists its matches (cheap: no score), then
//! either the matches' dates are read and sorted, when they are few, or the date index is
//! walked newest first, each entry tested against the matches on its own id, until
//! `limit` are met, when they are many (`walk_pays`). Both ways are exact on their own.

use rusqlite::types::Value;

use super::SqlPlan;

/// Matches the text index keeps past `limit`, for ties at the edge of the page.
pub const TIE_ROOM: usize = 256;

/// Date-index entries walked (and tested) in the time one message row is read by id and
/// sorted: on the bench databases an entry took 0.035–0.04 µs, a row 0.3–1.2 µs (more the
/// more rows, as they spread over the file).
const WALK_ENTRIES_PER_READ: f64 = 20.0;

/// Characters of a `from:` value asked of the trigram index: three trigrams, enough to
/// single out one address by its local part.
const SENDER_PREFIX_CHARS: usize = 5;

pub enum Shortcut {
    /// Text without other conditions, best bm25 first, then newest.
    Ranked {
        /// `(id, score)` of the best `limit + TIE_ROOM` matches by score.
        top: SqlPlan,
        /// `(id, date)` of the messages whose ids are the first parameter, a JSON array.
        dates: SqlPlan,
        /// The message ids scoring at most a threshold, in order; the threshold is the
        /// last parameter (`?3`), appended when it is known.
        tied: SqlPlan,
        limit: usize,
        /// How many matches `top` returns at most: `limit + TIE_ROOM`.
        kept: usize,
    },
    /// Text without other conditions, newest first.
    Newest {
        /// How many messages there are (their highest id: ids are dense).
        size: SqlPlan,
        /// The rowids of every match, in no order.
        matches: SqlPlan,
        /// Every message id, newest first, then the one stored first.
        walk: SqlPlan,
        /// The answer from the messages whose ids are the first parameter (a JSON array);
        /// `limit` is the second.
        dates: SqlPlan,
        limit: usize,
    },
    /// One positive `from:` without other conditions, newest first.
    Sender {
        /// How many messages there are (their highest id: ids are dense).
        size: SqlPlan,
        /// The ids the value's first characters find in the trigram index; the most to
        /// return is appended.
        candidates: SqlPlan,
        /// The answer from candidates. Its parameters are the exact test's: the
        /// candidates' ids (a JSON array) go before them, and `limit` after.
        rare: SqlPlan,
        /// The answer from a window of the newest messages (fewer than `limit` when the
        /// window held too few). Its parameters are the prefix's and the exact test's: the
        /// window's size less one and `limit` go after them.
        newest: SqlPlan,
        limit: usize,
    },
}

pub(crate) fn count(n: usize) -> Value {
    Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn plan(sql: &str, params: Vec<Value>) -> SqlPlan {
    SqlPlan {
        sql: sql.to_string(),
        params,
        shortcut: None,
    }
}

/// The shortcut for a text search with nothing else in it; `fts` is the MATCH string.
pub fn ranked(fts: &str, limit: usize) -> Shortcut {
    let text = Value::Text(fts.to_string());
    let kept = limit.saturating_add(TIE_ROOM);
    Shortcut::Ranked {
        top: plan(
            "SELECT rowid, bm25(message_fts) AS s FROM message_fts
              WHERE message_fts MATCH ? ORDER BY s LIMIT ?",
            vec![text.clone(), count(kept)],
        ),
        dates: plan(
            "SELECT m.id, m.date FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value",
            Vec::new(),
        ),
        tied: plan(
            "SELECT m.id FROM message_fts CROSS JOIN messages m ON m.id = message_fts.rowid
              WHERE message_fts MATCH ?1 AND bm25(message_fts) <= ?3
              ORDER BY bm25(message_fts), m.date DESC, m.id LIMIT ?2",
            vec![text, count(limit)],
        ),
        limit,
        kept,
    }
}

/// The shortcut for a text search with nothing else in it, newest first; `fts` is the
/// MATCH string.
pub fn newest(fts: &str, limit: usize) -> Shortcut {
    Shortcut::Newest {
        size: plan("SELECT coalesce(max(id), 0) FROM messages", Vec::new()),
        matches: plan(
            "SELECT rowid FROM message_fts WHERE message_fts MATCH ?",
            vec![Value::Text(fts.to_string())],
        ),
        // `messages_date` holds (date DESC, id): read forwards it is this order, and
        // the id comes from the index, so no message row is read.
        walk: plan(
            "SELECT id FROM messages INDEXED BY messages_date ORDER BY date DESC, id",
            Vec::new(),
        ),
        dates: plan(
            "SELECT m.id FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value
              ORDER BY m.date DESC, m.id LIMIT ?",
            Vec::new(),
        ),
        limit,
    }
}

/// Whether walking the date index for `limit` of `matches` among `messages` costs less
/// than reading every match's date: the walk meets a match every `messages / matches`
/// entries, and one row read by id is worth about `WALK_ENTRIES_PER_READ` entries walked.
pub fn walk_pays(limit: usize, matches: usize, messages: usize) -> bool {
    let walked = (limit.min(matches) as f64) * (messages as f64 + 1.0) / (matches.max(1) as f64);
    walked < (matches as f64) * WALK_ENTRIES_PER_READ
}

/// The shortcut for one `from:` value the trigram index serves; `exact` is the test on
/// `m` (with its parameters) that decides, as in the full plan.
pub fn sender(value: &str, exact: &str, exact_params: &[Value], limit: usize) -> Shortcut {
    let prefix: String = value.chars().take(SENDER_PREFIX_CHARS).collect();
    let phrase = Value::Text(format!("\"{}\"", prefix.replace('"', "\"\"")));
    Shortcut::Sender {
        size: plan("SELECT coalesce(max(id), 0) FROM messages", Vec::new()),
        candidates: plan(
            "SELECT rowid FROM message_senders WHERE message_senders MATCH ? LIMIT ?",
            vec![phrase.clone()],
        ),
        rare: plan(
            &format!(
                "SELECT m.id FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value
                  WHERE ({exact}) ORDER BY m.date DESC, m.id LIMIT ?"
            ),
            exact_params.to_vec(),
        ),
        // `messages_date` is read newest first down to the window's oldest date, and the
        // reading stops at `limit` matches: its order is the answer's. Membership in the
        // candidates is tested on the index's own ids (`+` keeps SQLite from reading the
        // candidates first instead), so only candidates' rows are read.
        newest: plan(
            &format!(
                "SELECT m.id FROM messages m
                  WHERE +m.id IN (SELECT rowid FROM message_senders WHERE message_senders MATCH ?)
                    AND ({exact})
                    AND m.date >= coalesce((SELECT date FROM messages ORDER BY date DESC, id
                                            LIMIT 1 OFFSET ?), -9223372036854775808)
                  ORDER BY m.date DESC, m.id LIMIT ?"
            ),
            [std::slice::from_ref(&phrase), exact_params].concat(),
        ),
        limit,
    }
}

/// Up to how many candidates a `from:` value may have for them to be read one by one.
/// Reading `c` candidates' rows costs about what walking the `limit · n / c` newest
/// entries of `messages_date` it takes to meet `limit` of them does, one row read being
/// worth some eighty index entries.
pub fn rare_cap(limit: usize, messages: usize) -> usize {
    let product = (limit as f64) * (messages as f64) / 80.0;
    (product.sqrt() as usize).max(16)
}

/// How far back to walk for a value with more than the cap of candidates before handing
/// over to the full plan: a quarter of the mail (far more than the cap's rate needs).
pub fn newest_window(limit: usize, messages: usize) -> usize {
    (messages / 4).max(limit)
}

#[cfg(test)]
mod tests;
