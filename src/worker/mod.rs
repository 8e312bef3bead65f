//! Long-lived and one-shot jobs that talk to mail servers and write to the store:
//! `sync` (one pass over every account and folder) and `watch` (IMAP IDLE per folder).

pub mod backoff;
pub mod claimant;
pub mod send;
pub mod sync;
pub mod watch;
