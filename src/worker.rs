//! Long-lived and one-shot jobs that talk to mail servers and write to the store:
//! `sync` (one pass over every account and folder), `watch` (IMAP IDLE per folder), both
//! through `mailbox_sync` (one mailbox brought up to date), `send` (the outbox), and
//! `import` (raw messages parsed and stored without a server).

pub mod backoff;
pub mod claimant;
pub mod digest;
pub mod import;
pub mod lookup;
pub mod mailbox_sync;
pub mod rating_alerts;
pub mod report;
pub mod send;
pub mod service_levels;
pub mod sync;
pub mod watch;
