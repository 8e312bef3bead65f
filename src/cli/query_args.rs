//! What the commands that take a query (`list`, `search`, `bulk-reply`) share: the words
//! parsed, a bad query being a usage error that points at the place; and, once the store
//! is open, the stored marks its terms read brought up to date and the context its terms
//! need (who "mine" is, what "now" is).

use rusqlite::Connection;

use crate::config::Config;
use crate::domain::query::{Query, parse_query};
use crate::store::query_sql::QueryContext;
use crate::worker::service_levels::refresh_for;

use super::UsageError;

/// The query in `input`, or a usage error with a caret under the fault.
pub fn parse(input: &str) -> Result<Query, UsageError> {
    parse_query(input).map_err(|e| UsageError(format!("bad query: {e}\n{}", e.render_caret(input))))
}

/// The context `query` runs in now, with the marks it looks up (repeat contacts,
/// service-level stages) made current first.
pub fn context(conn: &Connection, config: &Config, query: &Query) -> anyhow::Result<QueryContext> {
    let now = chrono::Utc::now();
    refresh_for(conn, config, query, now)?;
    Ok(QueryContext {
        agent: config.agent.clone(),
        now: now.timestamp(),
    })
}
