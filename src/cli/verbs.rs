//! The ticket verbs scripts need: `status ID S`, `assign ID AGENT`, `priority ID LEVEL`,
//! `tag ID +a -b`, `note ID TEXT`. A merged ticket's number acts on the ticket it was merged into.

use std::process::ExitCode;

use crate::domain::{EventSource, Priority};
use crate::store::{Store, StoreError, corrections, ticket_ops};

use super::reply::parse_status;
use super::show::parse_ticket_id;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[arg(value_name = "ID")]
    id: String,
    /// new, open, pending, solved or closed
    #[arg(value_name = "STATUS")]
    status: String,
}

#[derive(Debug, clap::Args)]
pub struct AssignArgs {
    #[arg(value_name = "ID")]
    id: String,
    /// Agent name, `me`, or `none` to unassign
    #[arg(value_name = "AGENT")]
    agent: String,
}

#[derive(Debug, clap::Args)]
pub struct PriorityArgs {
    #[arg(value_name = "ID")]
    id: String,
    /// low, normal, high or urgent
    #[arg(value_name = "LEVEL")]
    level: String,
}

#[derive(Debug, clap::Args)]
pub struct TagArgs {
    #[arg(value_name = "ID")]
    id: String,
    /// +tag adds, -tag removes (a bare tag adds)
    #[arg(value_name = "TAGS", num_args = 1.., allow_hyphen_values = true)]
    tags: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct NoteArgs {
    #[arg(value_name = "ID")]
    id: String,
    /// The note (internal, never sent)
    #[arg(value_name = "TEXT", num_args = 1..)]
    text: Vec<String>,
}

/// The ticket `id` answers for: itself, or the survivor of its merge.
fn survivor(store: &Store, id: i64) -> anyhow::Result<i64> {
    match corrections::survivor(store.conn(), id) {
        Err(StoreError::NoTicket(_)) => anyhow::bail!("no ticket #{id}"),
        other => Ok(other?),
    }
}

fn done(r: Result<(), StoreError>, id: i64) -> anyhow::Result<ExitCode> {
    match r {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(StoreError::NoTicket(_)) => anyhow::bail!("no ticket #{id}"),
        Err(e) => Err(e.into()),
    }
}

pub fn status(ctx: &Context, a: StatusArgs) -> anyhow::Result<ExitCode> {
    let id = parse_ticket_id(&a.id)?;
    let status =
        parse_status(Some(&a.status))?.ok_or_else(|| UsageError("status needed".into()))?;
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let id = survivor(&store, id)?;
    done(
        ticket_ops::set_status(store.conn(), id, status, &agent, EventSource::Cli),
        id,
    )
}

pub fn assign(ctx: &Context, a: AssignArgs) -> anyhow::Result<ExitCode> {
    let id = parse_ticket_id(&a.id)?;
    let agent = ctx.config_or_default()?.agent;
    let owner = if a.agent == "me" {
        agent.clone()
    } else {
        a.agent.clone()
    };
    let store = ctx.store()?;
    let id = survivor(&store, id)?;
    done(
        ticket_ops::assign(store.conn(), id, Some(&owner), &agent, EventSource::Cli),
        id,
    )
}

pub fn priority(ctx: &Context, a: PriorityArgs) -> anyhow::Result<ExitCode> {
    let id = parse_ticket_id(&a.id)?;
    let level: Priority = a.level.parse().map_err(UsageError)?;
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let id = survivor(&store, id)?;
    done(
        ticket_ops::set_priority(store.conn(), id, level, &agent, EventSource::Cli),
        id,
    )
}

pub fn tag(ctx: &Context, a: TagArgs) -> anyhow::Result<ExitCode> {
    let id = parse_ticket_id(&a.id)?;
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for t in &a.tags {
        if let Some(r) = t.strip_prefix('-') {
            remove.push(r.to_string());
        } else {
            add.push(t.trim_start_matches('+').to_string());
        }
    }
    if add.iter().chain(remove.iter()).any(|t| t.trim().is_empty()) {
        anyhow::bail!(UsageError("empty tag name".into()));
    }
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let id = survivor(&store, id)?;
    done(
        ticket_ops::tag(store.conn(), id, &add, &remove, &agent, EventSource::Cli),
        id,
    )
}

pub fn note(ctx: &Context, a: NoteArgs) -> anyhow::Result<ExitCode> {
    let id = parse_ticket_id(&a.id)?;
    let text = a.text.join(" ");
    if text.trim().is_empty() {
        anyhow::bail!(UsageError("the note is empty".into()));
    }
    let agent = ctx.config_or_default()?.agent;
    let store = ctx.store()?;
    let id = survivor(&store, id)?;
    done(
        ticket_ops::add_note(store.conn(), id, &text, &agent, EventSource::Cli).map(|_| ()),
        id,
    )
}
