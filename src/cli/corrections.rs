//! Threading corrections: `move MSG TICKET|new`, `split TICKET MSG`, `merge A B`, `undo`.
//! Each is one ticket event (`store::corrections`); this file parses, runs and reports.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::domain::{EventSource, TicketId};
use crate::store::StoreError;
use crate::store::corrections::{self, Correction, Target};

use super::json::write_json;
use super::show::parse_ticket_id;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct MoveArgs {
    /// The message (its number in `show`)
    #[arg(value_name = "MSG")]
    message: String,
    /// The ticket to move it to, or `new` for a ticket of its own
    #[arg(value_name = "TICKET")]
    to: String,
    /// Print what was done as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct SplitArgs {
    #[arg(value_name = "TICKET")]
    ticket: String,
    /// The first message of the new ticket; the ones after it go along
    #[arg(value_name = "MSG")]
    message: String,
    /// Print what was done as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The ticket merged away; its number keeps answering for the other
    #[arg(value_name = "A")]
    from: String,
    /// The ticket that survives
    #[arg(value_name = "B")]
    into: String,
    /// Print what was done as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct UndoArgs {
    /// Print what was undone as JSON
    #[arg(long)]
    json: bool,
}

/// What scripts read: `{"kind","from","into","messages","undo"}`.
#[derive(Serialize)]
struct CorrectionJson<'a> {
    kind: &'static str,
    from: TicketId,
    into: TicketId,
    messages: &'a [i64],
    undo: bool,
}

pub fn move_message(ctx: &Context, a: MoveArgs) -> anyhow::Result<ExitCode> {
    let row = parse_message(&a.message)?;
    let target = if a.to.eq_ignore_ascii_case("new") {
        Target::New
    } else {
        Target::Ticket(parse_ticket_id(&a.to)?)
    };
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let done = corrections::move_message(store.conn(), row, target, &agent, EventSource::Cli);
    report(done, a.json)
}

pub fn split(ctx: &Context, a: SplitArgs) -> anyhow::Result<ExitCode> {
    let ticket = parse_ticket_id(&a.ticket)?;
    let row = parse_message(&a.message)?;
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let done = corrections::split(store.conn(), ticket, row, &agent, EventSource::Cli);
    report(done, a.json)
}

pub fn merge(ctx: &Context, a: MergeArgs) -> anyhow::Result<ExitCode> {
    let from = parse_ticket_id(&a.from)?;
    let into = parse_ticket_id(&a.into)?;
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let done = corrections::merge(store.conn(), from, into, &agent, EventSource::Cli);
    report(done, a.json)
}

pub fn undo(ctx: &Context, a: UndoArgs) -> anyhow::Result<ExitCode> {
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    match corrections::undo(store.conn(), &agent, EventSource::Cli)? {
        Some(c) => report(Ok(c), a.json),
        None => anyhow::bail!("nothing to undo"),
    }
}

fn parse_message(s: &str) -> Result<i64, UsageError> {
    s.trim()
        .parse()
        .ok()
        .filter(|n: &i64| *n > 0)
        .ok_or_else(|| UsageError(format!("'{s}' is not a message number")))
}

fn report(done: Result<Correction, StoreError>, json: bool) -> anyhow::Result<ExitCode> {
    let c = done?;
    if json {
        write_json(
            std::io::stdout().lock(),
            &CorrectionJson {
                kind: c.kind.as_str(),
                from: c.from,
                into: c.into,
                messages: &c.messages,
                undo: c.undo,
            },
        )?;
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{c}")?;
    }
    Ok(ExitCode::SUCCESS)
}
