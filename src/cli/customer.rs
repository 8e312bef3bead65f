//! `shopdesk customer EMAIL [--json]`: who the customer is, every ticket and every order;
//! `customer note EMAIL TEXT`, `customer merge KEEP OTHER` and its undo
//! `customer unmerge KEEP OTHER`.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::domain::EventSource;
use crate::domain::sanitize::sanitize_line;
use crate::domain::views::CustomerInfo;
use crate::store::customers::{self, Moved};

use super::json::write_json;
use super::order_json::OrderJson;
use super::output::terminal;
use super::ticket_json::Rfc3339;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Any of the customer's addresses
    #[arg(value_name = "EMAIL", required = true)]
    email: Option<String>,
    /// Print the customer as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Set the customer's note (internal, shown with the customer); `--clear` removes it
    Note {
        #[arg(value_name = "EMAIL")]
        email: String,
        #[arg(value_name = "TEXT", num_args = 0.., required_unless_present = "clear")]
        text: Vec<String>,
        #[arg(long, conflicts_with = "text")]
        clear: bool,
    },
    /// Join OTHER's customer into KEEP's: their addresses and tickets become KEEP's
    Merge {
        #[arg(value_name = "KEEP")]
        keep: String,
        #[arg(value_name = "OTHER")]
        other: String,
    },
    /// Undo the merge that joined OTHER into KEEP's customer
    Unmerge {
        #[arg(value_name = "KEEP")]
        keep: String,
        #[arg(value_name = "OTHER")]
        other: String,
    },
}

/// `customer EMAIL --json`: a contract for scripts (README, "JSON").
#[derive(Serialize)]
struct CustomerJson<'a> {
    email: &'a str,
    name: Option<&'a str>,
    language: Option<&'a str>,
    addresses: &'a [String],
    note: Option<&'a str>,
    tickets: Vec<TicketJson<'a>>,
    orders: Vec<OrderJson<'a>>,
}

#[derive(Serialize)]
struct TicketJson<'a> {
    id: i64,
    subject: &'a str,
    status: &'static str,
    updated_at: Rfc3339,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        None => {
            let email = args
                .email
                .ok_or_else(|| UsageError("an e-mail address is needed".into()))?;
            show(ctx, &email, args.json)
        }
        Some(Action::Note { email, text, clear }) => {
            let text = text.join(" ");
            if !clear && text.trim().is_empty() {
                anyhow::bail!(UsageError(
                    "the note is empty (use --clear to remove it)".into()
                ));
            }
            let note = (!clear).then(|| crate::domain::sanitize::sanitize_text(&text));
            let store = ctx.store()?;
            customers::set_note(store.conn(), &email, note.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Merge { keep, other }) => {
            let agent = ctx.config_or_default()?.agent;
            let store = ctx.store()?;
            let moved = customers::merge(store.conn(), &keep, &other, &agent, EventSource::Cli)?;
            report("merged into", &keep, &moved);
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Unmerge { keep, other }) => {
            let agent = ctx.config_or_default()?.agent;
            let store = ctx.store()?;
            let moved = customers::unmerge(store.conn(), &keep, &other, &agent, EventSource::Cli)?;
            report("taken back from", &keep, &moved);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report(what: &str, keep: &str, moved: &Moved) {
    eprintln!(
        "{} and {} {} {what} {}'s customer",
        plural(moved.addresses.len(), "address", "addresses"),
        plural(moved.tickets.len(), "ticket", "tickets"),
        if moved.addresses.len() + moved.tickets.len() == 1 {
            "was"
        } else {
            "were"
        },
        sanitize_line(keep)
    );
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn show(ctx: &Context, email: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = ctx.store()?;
    let Some(c) = customers::history(store.conn(), email)? else {
        anyhow::bail!(UsageError(format!("no customer {email}")));
    };
    let email = email.trim().to_lowercase();
    if json {
        write_json(std::io::stdout().lock(), &to_json(&email, &c))?;
    } else {
        print(&c)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json<'a>(email: &'a str, c: &'a CustomerInfo) -> CustomerJson<'a> {
    CustomerJson {
        email,
        name: c.name.as_deref(),
        language: c.language.as_deref(),
        addresses: &c.addresses,
        note: c.notes.as_deref(),
        tickets: c
            .tickets
            .iter()
            .map(|t| TicketJson {
                id: t.id,
                subject: &t.subject,
                status: t.status.as_str(),
                updated_at: Rfc3339(t.updated_at),
            })
            .collect(),
        orders: c.orders.iter().map(OrderJson::from).collect(),
    }
}

fn print(c: &CustomerInfo) -> anyhow::Result<()> {
    let mut out = terminal();
    writeln!(
        out,
        "{} <{}>{}",
        sanitize_line(c.name.as_deref().unwrap_or("(no name)")),
        sanitize_line(&c.addresses.join(">, <")),
        c.language
            .as_deref()
            .map(|l| format!(" · {}", sanitize_line(l)))
            .unwrap_or_default()
    )?;
    if let Some(n) = &c.notes {
        writeln!(out, "note: {}", sanitize_line(n))?;
    }
    writeln!(out, "\nTickets ({})", c.tickets.len())?;
    for t in &c.tickets {
        writeln!(
            out,
            "  #{:<6} {:<8} {}  {}",
            t.id,
            t.status.as_str(),
            t.updated_at.format("%Y-%m-%d"),
            sanitize_line(&t.subject)
        )?;
    }
    writeln!(out, "\nOrders ({})", c.orders.len())?;
    for o in &c.orders {
        let tracking = match (&o.carrier, &o.tracking_number) {
            (Some(c), Some(t)) => format!("  {c} {t}"),
            (None, Some(t)) => format!("  {t}"),
            _ => String::new(),
        };
        writeln!(
            out,
            "  #{:<8} {:<9} {}  {}{}",
            sanitize_line(&o.number),
            o.status.as_str(),
            o.created_at.format("%Y-%m-%d"),
            o.total_text().unwrap_or_default(),
            sanitize_line(&tracking)
        )?;
    }
    Ok(())
}
