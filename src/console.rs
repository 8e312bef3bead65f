//! The console's runtime: the terminal, the one inbox of events, the list loader and the
//! effects (store, templates, outbox) around the pure `app` state and the `ui` drawing.
//! This is the only console code that does I/O; `app` decides and `ui` draws.

pub mod attachments;
mod bulk;
mod effects;
mod loader;
mod runtime;
mod terminal;

pub use effects::Runner;
pub use runtime::{Inbox, Options, run};
