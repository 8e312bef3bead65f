//! query_sql (minimal placeholder, replaced by the full compiler)

use crate::domain::query::Query;

pub struct QueryContext {
    pub agent: String,
    pub now: i64,
}

pub struct SqlPlan {
    pub sql: String,
    pub params: Vec<rusqlite::types::Value>,
}

pub fn ticket_query(_q: &Query, _ctx: &QueryContext, limit: usize, offset: usize) -> SqlPlan {
    SqlPlan {
        sql: "SELECT id FROM tickets ORDER BY updated_at DESC LIMIT ? OFFSET ?".into(),
        params: vec![(limit as i64).into(), (offset as i64).into()],
    }
}

pub fn message_search(q: &Query, _ctx: &QueryContext, limit: usize) -> SqlPlan {
    SqlPlan {
        sql: "SELECT rowid FROM message_fts WHERE message_fts MATCH ? LIMIT ?".into(),
        params: vec![q.words.join(" ").into(), (limit as i64).into()],
    }
}
