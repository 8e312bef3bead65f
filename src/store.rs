//! The SQLite cache: the single source of truth for the console and the CLI.
//!
//! One `Store` per thread (SQLite connections are not shared across threads), WAL mode so
//! readers never block the sync writer, short transactions, numbered migrations that never
//! wipe the cache. Workers write here; the console and the CLI only read and record intent.

pub mod alerts;
pub mod bulk_index;
pub mod checkpoint;
mod columns;
mod connection;
pub mod corrections;
pub mod customers;
pub mod drafts;
mod error;
pub mod events;
pub mod history;
pub mod ingest;
mod lookup;
pub mod mail_orders;
pub mod mailboxes;
mod migrations;
pub mod orders;
pub mod outbox;
pub mod query_sql;
pub mod ratings;
pub mod read;
pub mod replay;
pub mod reply_facts;
pub mod search;
pub mod sent;
pub mod ticket_ops;
pub mod timeline;
pub mod views;
pub mod written;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use error::StoreError;

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating it 0600 if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        create_private(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::open(path, e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        // Two processes opening a new database at once (a console and `sync --watch`) can
        // meet in the WAL switch or the first migration, where SQLite reports "busy"
        // without waiting: try again for a while.
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let result = store
                .configure()
                .and_then(|()| migrations::migrate(&mut store.conn));
            match result {
                Err(e) if e.is_busy() && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => {
                    other.map_err(|e| e.at(path))?;
                    return Ok(store);
                }
            }
        }
    }

    /// A private in-memory database, for tests and the demo.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(StoreError::from)?;
        let mut store = Store { conn, path: None };
        store.configure()?;
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        connection::configure(&self.conn)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// A write transaction. It is `BEGIN IMMEDIATE`: the write lock is taken at the start,
    /// waiting up to the busy timeout while another process writes. A deferred transaction
    /// that reads before it writes would instead fail at once with "database is locked"
    /// whenever another writer committed since its read (SQLite cannot upgrade a stale
    /// snapshot), which is what two syncs on one database did.
    pub fn write(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Changes whenever another connection commits: the console polls it to reload.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        connection::data_version(&self.conn)
    }
}

/// Creates the database file with mode 0600 before SQLite opens it: mail is private.
fn create_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Current time as unix seconds.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}
