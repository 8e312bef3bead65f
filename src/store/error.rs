//! Store errors: what failed and on which file.

use std::path::{Path, PathBuf};

use super::columns::UnknownColumn;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "database {path} was written by a newer shopdesk (schema version {found}, this one knows {known}); upgrade shopdesk"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("database migration {version} failed: {source}")]
    Migration {
        version: usize,
        source: rusqlite::Error,
    },
    #[error("no ticket #{0}")]
    NoTicket(i64),
    /// No customer, ticket or order knows this address (a usage error: exit 2).
    #[error("no customer {0}")]
    NoCustomer(String),
    #[error("no order {0}")]
    NoOrder(String),
    /// A customer merge or unmerge that cannot be done, and why.
    #[error("{0}")]
    CustomerMerge(String),
    /// A message named by a correction is not there (`message 12`, or a logged Message-ID).
    #[error("no message {0}")]
    NoMessage(String),
    /// A threading correction that makes no sense as asked (a ticket into itself, across
    /// accounts, a split that would take every message).
    #[error("{0}")]
    Refused(String),
    /// A change this version records but cannot apply yet.
    #[error("ticket #{ticket}: a {kind} change cannot be applied yet")]
    NotApplicable { ticket: i64, kind: &'static str },
    /// A logged change from before changes were typed: it cannot be replayed.
    #[error("ticket event {0} predates typed events and cannot be replayed")]
    Untyped(i64),
    #[error("replay: {0}")]
    Replay(String),
    /// SQLite refused a query plan as too large or too complex: the user's query is at
    /// fault, not the database.
    #[error("bad query: too large for the database ({0}); use fewer or shorter terms")]
    QueryTooLarge(String),
    /// A stored value no domain variant names: shown, never read as a default.
    #[error("database: unknown {what} '{value}' (written by a newer shopdesk, or by hand?)")]
    Unknown { what: &'static str, value: String },
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    #[error("database: stored JSON is damaged: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StoreError {
    /// A column that did not convert because its value is unknown to the domain type is
    /// `Unknown`, naming both; anything else stays SQLite's error.
    fn from(e: rusqlite::Error) -> StoreError {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, source) = &e
            && let Some(u) = source.downcast_ref::<UnknownColumn>()
        {
            return StoreError::Unknown {
                what: u.what,
                value: u.value.clone(),
            };
        }
        StoreError::Sqlite(e)
    }
}

impl StoreError {
    pub(crate) fn open(path: &Path, source: rusqlite::Error) -> StoreError {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }

    /// SQLite said another connection holds the lock.
    pub(crate) fn is_busy(&self) -> bool {
        let sqlite = match self {
            StoreError::Sqlite(e) | StoreError::Open { source: e, .. } => e,
            StoreError::Migration { source, .. } => source,
            _ => return false,
        };
        matches!(
            sqlite.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }

    /// The user asked for something impossible (a usage error, exit 2), as opposed to a
    /// failing database.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            StoreError::QueryTooLarge(_) | StoreError::NoCustomer(_)
        )
    }

    /// Classifies an error from running a query plan: SQLite's limits on statement size
    /// and complexity are the query's fault.
    pub(crate) fn from_query(e: rusqlite::Error) -> StoreError {
        const TOO_LARGE: &[&str] = &[
            "expression tree is too large",
            "too many sql variables",
            "like or glob pattern too complex",
            "too many terms",
            "too many from clause terms",
            "parser stack overflow",
            "string or blob too big",
        ];
        let too_big = e.sqlite_error_code() == Some(rusqlite::ErrorCode::TooBig);
        let text = e.to_string();
        let lower = text.to_lowercase();
        if too_big || TOO_LARGE.iter().any(|m| lower.contains(m)) {
            StoreError::QueryTooLarge(text)
        } else {
            StoreError::from(e)
        }
    }

    /// Attaches the database path to errors that lack one.
    pub(crate) fn at(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sqlite(source) => StoreError::Open {
                path: path.to_path_buf(),
                source,
            },
            StoreError::TooNew { found, known, .. } => StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            },
            other => other,
        }
    }
}
