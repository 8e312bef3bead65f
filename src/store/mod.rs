//! The SQLite cache.
