//! Query plan → SQL. The SQL text is assembled only from fixed fragments chosen by the
//! plan; every value the user typed is a bound parameter. Full-text words are folded like
//! the index and each is quoted as an FTS5 string, so no user input is ever FTS syntax.

use rusqlite::types::Value;

use crate::domain::query::{Flag, Owner, Query, Term, TermKind};
use crate::domain::search_text::fold;

pub mod shortcut;
pub use shortcut::Shortcut;

/// What a query needs to know about who and when it runs.
pub struct QueryContext {
    pub agent: String,
    pub now: i64,
}

pub struct SqlPlan {
    pub sql: String,
    pub params: Vec<Value>,
    /// A quicker way to the same answer, tried first (message search only).
    pub shortcut: Option<Box<Shortcut>>,
}

/// Which rows the conditions are about.
#[derive(Clone, Copy, PartialEq)]
enum Subject {
    /// Tickets (`t`), for `list`: text may match any of the ticket's messages.
    Ticket,
    /// Messages (`m`, with their ticket `t`), for `search`.
    Message,
}

struct Builder {
    conds: Vec<String>,
    params: Vec<Value>,
}

impl Builder {
    fn push(&mut self, negated: bool, sql: &str, params: impl IntoIterator<Item = Value>) {
        self.params.extend(params);
        if negated {
            // NULL-safe negation: a missing owner is "not bob"
            self.conds.push(format!("NOT COALESCE(({sql}), 0)"));
        } else {
            self.conds.push(format!("({sql})"));
        }
    }

    fn where_clause(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }
}

/// An FTS5 query string matching `text` as a phrase: folded like the index, then quoted
/// with internal quotes doubled. `None` when nothing searchable is left.
pub fn fts_phrase(text: &str) -> Option<String> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split_whitespace().collect();
    if !words.iter().any(|w| w.chars().any(char::is_alphanumeric)) {
        return None;
    }
    Some(format!("\"{}\"", words.join(" ").replace('"', "\"\"")))
}

/// `from:` values the sender index serves: from three characters (its trigrams) up to a
/// length no sender has. Past that, SQLite's own LIKE reports a pattern over its limit as
/// too large, which the index would answer with nothing.
const SENDER_INDEX_MIN_CHARS: usize = 3;
const SENDER_INDEX_MAX_BYTES: usize = 1000;

/// The test that decides whether a message's sender matches a `from:` value: its
/// `like_pattern` twice.
const SENDER_EXACT: &str =
    "lower(m.from_email) LIKE ?1x ESCAPE '\\' OR lower(m.from_name) LIKE ?1x ESCAPE '\\'";

fn sender_indexed(v: &str) -> bool {
    v.chars().count() >= SENDER_INDEX_MIN_CHARS && v.len() <= SENDER_INDEX_MAX_BYTES
}

/// `from:` — the sender's address or name contains the value (ASCII letters in either
/// case), or, for tickets, one of the customer's addresses does. The trigram index
/// `message_senders` finds the candidates (a phrase there is a substring, case-folded:
/// never fewer rows than the exact test), then the exact test decides.
fn from_condition(v: &str, subject: Subject) -> (&'static str, Vec<Value>) {
    let p = Value::Text(like_pattern(v));
    let indexed = sender_indexed(v);
    let sql = match (subject, indexed) {
        (Subject::Ticket, true) => {
            "t.customer_id IN (SELECT ca.customer_id FROM customer_addresses ca
               WHERE ca.email LIKE ?1x ESCAPE '\\')
             OR t.id IN (SELECT x.ticket_id FROM messages x
               WHERE x.id IN (SELECT rowid FROM message_senders WHERE message_senders MATCH ?1x)
               AND (lower(x.from_email) LIKE ?1x ESCAPE '\\' OR lower(x.from_name) LIKE ?1x ESCAPE '\\'))"
        }
        (Subject::Ticket, false) => {
            "t.customer_id IN (SELECT ca.customer_id FROM customer_addresses ca
               WHERE ca.email LIKE ?1x ESCAPE '\\')
             OR t.id IN (SELECT x.ticket_id FROM messages x
               WHERE lower(x.from_email) LIKE ?1x ESCAPE '\\' OR lower(x.from_name) LIKE ?1x ESCAPE '\\')"
        }
        (Subject::Message, true) => {
            "m.id IN (SELECT rowid FROM message_senders WHERE message_senders MATCH ?1x)
             AND (lower(m.from_email) LIKE ?1x ESCAPE '\\' OR lower(m.from_name) LIKE ?1x ESCAPE '\\')"
        }
        (Subject::Message, false) => {
            "lower(m.from_email) LIKE ?1x ESCAPE '\\' OR lower(m.from_name) LIKE ?1x ESCAPE '\\'"
        }
    };
    let phrase = Value::Text(format!("\"{}\"", v.replace('"', "\"\"")));
    let params = match (subject, indexed) {
        (Subject::Ticket, true) => vec![p.clone(), phrase, p.clone(), p],
        (Subject::Message, true) => vec![phrase, p.clone(), p],
        (Subject::Ticket, false) => vec![p.clone(), p.clone(), p],
        (Subject::Message, false) => vec![p.clone(), p],
    };
    (sql, params)
}

fn like_pattern(value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn text_of(term: &Term) -> Option<&str> {
    match &term.kind {
        TermKind::Word(w) | TermKind::Phrase(w) => Some(w),
        _ => None,
    }
}

fn conditions(q: &Query, ctx: &QueryContext, subject: Subject) -> (Builder, Option<String>) {
    let mut b = Builder {
        conds: Vec::new(),
        params: Vec::new(),
    };
    let mut positive_fts: Vec<String> = Vec::new();
    for term in &q.terms {
        if let Some(text) = text_of(term) {
            let Some(mut phrase) = fts_phrase(text) else {
                continue;
            };
            // Words match as prefixes ("refund" finds "refunded", and the live search finds
            // "siparişim" while "sipar" is typed; a lone 退 finds the bigram 退货); short
            // Latin ones exactly, as a one-letter prefix would match half the index.
            let cjk = text.chars().any(crate::domain::search_text::is_cjk);
            if matches!(term.kind, TermKind::Word(_)) && (text.chars().count() >= 3 || cjk) {
                phrase.push('*');
            }
            if term.negated {
                let sql = match subject {
                    Subject::Ticket => {
                        "t.id IN (SELECT x.ticket_id FROM message_fts CROSS JOIN messages x ON x.id = message_fts.rowid
                          WHERE message_fts MATCH ?)"
                    }
                    Subject::Message => {
                        "m.id IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ?)"
                    }
                };
                b.push(true, sql, [Value::Text(phrase)]);
            } else {
                positive_fts.push(phrase);
            }
            continue;
        }
        let n = term.negated;
        match &term.kind {
            TermKind::From(v) => {
                let (sql, params) = from_condition(v, subject);
                b.push(n, sql, params);
            }
            TermKind::To(v) => {
                let p = Value::Text(like_pattern(v));
                match subject {
                    Subject::Ticket => b.push(
                        n,
                        "EXISTS (SELECT 1 FROM messages x WHERE x.ticket_id = t.id
                           AND (lower(x.to_json) LIKE ?1x ESCAPE '\\' OR lower(x.cc_json) LIKE ?1x ESCAPE '\\'))",
                        [p.clone(), p],
                    ),
                    Subject::Message => b.push(
                        n,
                        "lower(m.to_json) LIKE ?1x ESCAPE '\\' OR lower(m.cc_json) LIKE ?1x ESCAPE '\\'",
                        [p.clone(), p],
                    ),
                }
            }
            TermKind::Status(s) => b.push(n, "t.status = ?1x", [Value::Text(s.as_str().into())]),
            TermKind::Priority(p) => b.push(n, "t.priority = ?1x", [Value::Integer(p.level())]),
            TermKind::Tag(tag) => b.push(
                n,
                "t.id IN (SELECT g.ticket_id FROM ticket_tags g WHERE g.tag = ?1x)",
                [Value::Text(tag.clone())],
            ),
            TermKind::Owner(Owner::Me) => {
                b.push(n, "t.owner = ?1x", [Value::Text(ctx.agent.clone())])
            }
            TermKind::Owner(Owner::Nobody) => b.push(n, "t.owner IS NULL", []),
            TermKind::Owner(Owner::Agent(a)) => {
                b.push(n, "lower(t.owner) = lower(?1x)", [Value::Text(a.clone())])
            }
            TermKind::Lang(l) => match subject {
                Subject::Ticket => b.push(n, "t.language = ?1x", [Value::Text(l.clone())]),
                Subject::Message => b.push(n, "m.language = ?1x", [Value::Text(l.clone())]),
            },
            TermKind::Before(d) => {
                let at = Value::Integer(d.resolve(ctx.now));
                match subject {
                    Subject::Ticket => b.push(n, "t.updated_at < ?1x", [at]),
                    Subject::Message => b.push(n, "m.date < ?1x", [at]),
                }
            }
            TermKind::After(d) => {
                let at = Value::Integer(d.resolve(ctx.now));
                match subject {
                    Subject::Ticket => b.push(n, "t.updated_at >= ?1x", [at]),
                    Subject::Message => b.push(n, "m.date >= ?1x", [at]),
                }
            }
            // The stored stages (`store::timeline::stages`), brought up to date by the caller.
            // Without policies (never built, or built from none) the first-response due time
            // sync sets is the one clock.
            TermKind::Is(Flag::Breaching) => b.push(
                n,
                "CASE WHEN coalesce((SELECT sb.policies FROM sla_stages_built sb), 0) > 0
                   THEN t.id IN (SELECT s.ticket_id FROM sla_stages s WHERE s.stage = 'breached')
                   ELSE t.due_at IS NOT NULL AND t.due_at < ?1x AND t.status IN ('new', 'open')
                 END",
                [Value::Integer(ctx.now)],
            ),
            TermKind::Is(Flag::Approaching) => b.push(
                n,
                "t.id IN (SELECT s.ticket_id FROM sla_stages s WHERE s.stage = 'approaching')
                 AND t.id NOT IN (SELECT s.ticket_id FROM sla_stages s WHERE s.stage = 'breached')",
                [],
            ),
            TermKind::Is(Flag::Unanswered) => b.push(
                n,
                "t.first_response_at IS NULL AND t.status IN ('new', 'open')",
                [],
            ),
            TermKind::Is(Flag::Mine) => {
                b.push(n, "t.owner = ?1x", [Value::Text(ctx.agent.clone())])
            }
            TermKind::Is(Flag::Unassigned) => b.push(n, "t.owner IS NULL", []),
            // the stored marks (`store::timeline::repeats`), brought up to date by the caller
            TermKind::Is(Flag::Repeat) => {
                b.push(n, "t.id IN (SELECT r.ticket_id FROM repeat_contacts r)", [])
            }
            // Exactly a number the mail names (`store::mail_orders`): `order:1003` is not 10030.
            TermKind::Order(number) => {
                let number = Value::Text(crate::domain::order::normalize_number(number));
                match subject {
                    Subject::Ticket => b.push(
                        n,
                        "t.id IN (SELECT x.ticket_id FROM message_orders mo
                           JOIN messages x ON x.id = mo.message WHERE mo.number = ?1x)",
                        [number],
                    ),
                    Subject::Message => b.push(
                        n,
                        "m.id IN (SELECT mo.message FROM message_orders mo WHERE mo.number = ?1x)",
                        [number],
                    ),
                }
            }
            TermKind::Word(_) | TermKind::Phrase(_) => {}
        }
    }
    let fts = (!positive_fts.is_empty()).then(|| positive_fts.join(" "));
    (b, fts)
}

/// Renumbers the `?1x` placeholders (one per value, in order) into plain `?`.
fn finish(sql: String) -> String {
    sql.replace("?1x", "?")
}

/// Which end of a ticket list comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Most recently active first: how every list is shown.
    NewestFirst,
    /// Least recently active first: the same list read from its far end.
    OldestFirst,
}

impl Order {
    fn sql(self) -> &'static str {
        match self {
            Order::NewestFirst => " ORDER BY t.updated_at DESC, t.id DESC",
            Order::OldestFirst => " ORDER BY t.updated_at ASC, t.id ASC",
        }
    }
}

/// What a ticket plan reads: a page of ids in an order, or how many match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    Ids {
        order: Order,
        limit: usize,
        offset: usize,
    },
    Count,
}

/// The tickets a query matches, as a WHERE clause (empty when everything matches) and
/// its parameters, in placeholder order. A plan adds its select, order and page to this;
/// nothing is ever cut out of it.
pub struct TicketFilter {
    pub where_clause: String,
    pub params: Vec<Value>,
}

/// The WHERE clause and parameters for the tickets `q` matches.
pub fn ticket_filter(q: &Query, ctx: &QueryContext) -> TicketFilter {
    let (mut b, fts) = conditions(q, ctx, Subject::Ticket);
    // a merged ticket lives on in its survivor only
    b.conds.insert(0, "t.merged_into IS NULL".into());
    let mut params = Vec::new();
    if let Some(fts) = fts {
        // text: the ticket has a message that matches every word
        b.conds.insert(
            1,
            "(t.id IN (SELECT x.ticket_id FROM message_fts CROSS JOIN messages x ON x.id = message_fts.rowid
               WHERE message_fts MATCH ?))"
                .into(),
        );
        params.push(Value::Text(fts));
    }
    params.append(&mut b.params);
    TicketFilter {
        where_clause: finish(b.where_clause()),
        params,
    }
}

fn sql_count(n: usize) -> Value {
    Value::Integer(n.min(i64::MAX as usize) as i64)
}

/// The plan reading `select` of the tickets `q` matches.
pub fn ticket_plan(q: &Query, ctx: &QueryContext, select: Select) -> SqlPlan {
    let TicketFilter {
        where_clause,
        mut params,
    } = ticket_filter(q, ctx);
    let sql = match select {
        Select::Ids {
            order,
            limit,
            offset,
        } => {
            params.push(sql_count(limit));
            params.push(sql_count(offset));
            format!(
                "SELECT t.id FROM tickets t{where_clause}{} LIMIT ? OFFSET ?",
                order.sql()
            )
        }
        Select::Count => format!("SELECT count(*) FROM tickets t{where_clause}"),
    };
    SqlPlan {
        sql,
        params,
        shortcut: None,
    }
}

/// Ticket ids matching the query, most recently active first.
pub fn ticket_query(q: &Query, ctx: &QueryContext, limit: usize, offset: usize) -> SqlPlan {
    ticket_plan(
        q,
        ctx,
        Select::Ids {
            order: Order::NewestFirst,
            limit,
            offset,
        },
    )
}

/// How many tickets match (for counts in the console's queues and bulk summaries).
pub fn ticket_count(q: &Query, ctx: &QueryContext) -> SqlPlan {
    ticket_plan(q, ctx, Select::Count)
}

/// The order a message search answers in. A search without text has only one: newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageOrder {
    /// Best text match (bm25) first, then newest.
    #[default]
    Best,
    /// Newest first, whatever the text's score.
    Newest,
}

/// Message ids matching the query: best text match first, then newest (and, between
/// messages of the same date, the one stored first).
pub fn message_search(q: &Query, ctx: &QueryContext, limit: usize) -> SqlPlan {
    message_search_in(q, ctx, limit, MessageOrder::Best)
}

/// Message ids matching the query in `order`; between messages of the same date, the one
/// stored first.
pub fn message_search_in(
    q: &Query,
    ctx: &QueryContext,
    limit: usize,
    order: MessageOrder,
) -> SqlPlan {
    let (b, fts) = conditions(q, ctx, Subject::Message);
    let alone = b.conds.is_empty();
    let mut params = Vec::new();
    let (sql, shortcut) = match fts {
        Some(fts) => {
            let (shortcut, by) = match order {
                MessageOrder::Best => (
                    alone.then(|| shortcut::ranked(&fts, limit)),
                    "bm25(message_fts), m.date DESC, m.id",
                ),
                MessageOrder::Newest => (
                    alone.then(|| shortcut::newest(&fts, limit)),
                    "m.date DESC, m.id",
                ),
            };
            params.push(Value::Text(fts));
            let mut conds = vec!["message_fts MATCH ?".to_string()];
            conds.extend(b.conds);
            let sql = format!(
                "SELECT m.id FROM message_fts CROSS JOIN messages m ON m.id = message_fts.rowid
                   LEFT JOIN tickets t ON t.id = m.ticket_id
                  WHERE {} ORDER BY {by} LIMIT ?",
                conds.join(" AND ")
            );
            (sql, shortcut.map(Box::new))
        }
        None => {
            let sql = format!(
                "SELECT m.id FROM messages m LEFT JOIN tickets t ON t.id = m.ticket_id{}
                  ORDER BY m.date DESC, m.id LIMIT ?",
                b.where_clause()
            );
            (sql, sender_shortcut(q, limit).map(Box::new))
        }
    };
    params.extend(b.params);
    params.push(Value::Integer(limit.min(i64::MAX as usize) as i64));
    SqlPlan {
        sql: finish(sql),
        params,
        shortcut,
    }
}

/// The shortcut for a search that is one positive `from:` the sender index serves.
fn sender_shortcut(q: &Query, limit: usize) -> Option<Shortcut> {
    let [term] = q.terms.as_slice() else {
        return None;
    };
    match &term.kind {
        TermKind::From(v) if !term.negated && sender_indexed(v) => {
            let p = Value::Text(like_pattern(v));
            Some(shortcut::sender(
                v,
                &finish(SENDER_EXACT.to_string()),
                &[p.clone(), p],
                limit,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
