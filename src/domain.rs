//! The pure core: plain data and plain functions, no I/O.
//!
//! Nothing here imports rusqlite, tokio, imap, lettre, ratatui or crossterm; everything is
//! unit-tested with plain values.

pub mod autoreply;
pub mod decide;
pub mod digest;
pub mod kpi;
pub mod language;
pub mod message;
pub mod notification;
pub mod order;
pub mod order_mention;
pub mod outbox;
pub mod query;
pub mod quotes;
pub mod reply;
pub mod report;
pub mod sanitize;
pub mod search_text;
pub mod sla;
pub mod subject;
pub mod threading;
pub mod ticket;
pub mod ticket_change;
pub mod tracking;
pub mod views;
pub mod vote;

pub use message::{Address, AttachmentMeta, AutoHeaders, Direction, ParsedMessage, PlacedBy};
pub use ticket::{Priority, Status, TicketId};
pub use ticket_change::{EventSource, Origin, TicketChange};
