//! shopdesk: a terminal helpdesk for e-commerce email.
//!
//! Where to start reading, from the inside out:
//! - [`domain`]: the pure core. Messages, tickets, threading, subjects, the query language,
//!   search-text folding, sanitising; every ticket change as a value (`ticket_change`) and
//!   the rules that decide them (`decide`); read models (`views`); orders and tracking
//!   numbers; service-level calendars and clocks (`sla`), KPI maths (`kpi`), report
//!   windows and groups (`report`), vote tokens (`vote`) and the digest's text (`digest`).
//!   Plain data, no I/O, table-tested.
//! - [`config`]: TOML → validated [`config::Config`].
//! - [`store`]: the SQLite cache (WAL, numbered migrations). The single source of truth for
//!   the console and the CLI, the only module that writes SQL, speaking domain types; every
//!   ticket change goes through `store::events::apply`, which logs it (`store::replay`
//!   rebuilds tickets from that log).
//! - [`mail`]: protocol edges. MIME decoding into [`domain::ParsedMessage`], IMAP sessions
//!   that report plain data (where a mailbox stands, what changed, vanished or is new).
//! - [`worker`]: long-lived jobs: IMAP sync (one-shot and `--watch`), where
//!   `worker::mailbox_sync` decides what of the server's answers to store, parses on a
//!   second thread and stores; `worker::import` stores raw mail without a server; `send`
//!   delivers the outbox; `service_levels`, `report`, `digest` and `rating_alerts` assess
//!   the tickets' clocks and raise what is due (alerts, stored stages, the owner's digest).
//! - [`app`]: the console's state and `update` (pure); [`ui`]: keymaps, themes and drawing;
//!   [`console`]: the runtime that reads the terminal and performs the app's effects.
//! - [`cli`]: one file per subcommand; the JSON of tickets and messages is shaped here
//!   from the domain's read models (`domain::views`), which the store returns.
//! - [`import`]: files shops export (orders from Shopify, WooCommerce, a generic CSV),
//!   read into domain patches.
//!
//! - [`mailout`], [`templates`]: replies, acknowledgements, surveys, digests and bulk
//!   replies rendered into the outbox;
//!   [`editor`]: the one `$EDITOR` hand-over; [`demo`]: the sample shop.
//!
//! Data flow: IMAP (`mail::imap::sync`, plain data) → `worker::mailbox_sync` → `mail::parse`
//! → `domain::threading` → `domain::decide` (what the mail changes on its ticket) →
//! `store::events` (applied and logged; one transaction per batch, cursor included) →
//! `cli` / console read the store. Agents' verbs are ticket changes through the same door.

pub mod app;
pub mod cli;
pub mod config;
pub mod console;
pub mod demo;
pub mod domain;
pub mod editor;
pub mod import;
pub mod mail;
pub mod mailout;
pub mod store;
pub mod templates;
pub mod ui;
pub mod worker;
