//! `shopdesk show ID [--json]`

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use crate::domain::Direction;
use crate::domain::sanitize::{sanitize_line, sanitize_text};
use crate::domain::sla::TargetClock;
use crate::store::timeline::Scope;
use crate::store::{StoreError, corrections, mail_orders, ratings, read};
use crate::worker::service_levels::assess_tickets;

use super::json::write_json;
use super::output::terminal;
use super::ticket_json::{DetailJson, rfc3339};
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Ticket number (a leading '#' is fine)
    #[arg(value_name = "ID")]
    id: String,
    /// Print the ticket and its messages as JSON
    #[arg(long)]
    json: bool,
    /// Also print quoted earlier mail
    #[arg(long)]
    quotes: bool,
}

pub fn parse_ticket_id(s: &str) -> Result<i64, UsageError> {
    s.trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| UsageError(format!("'{s}' is not a ticket number")))
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let asked = parse_ticket_id(&args.id)?;
    let store = ctx.store()?;
    // a merged ticket's number shows the ticket it was merged into
    let id = match corrections::survivor(store.conn(), asked) {
        Err(StoreError::NoTicket(_)) => anyhow::bail!("no ticket #{asked}"),
        other => other?,
    };
    if id != asked {
        eprintln!("shopdesk: #{asked} was merged into #{id}");
    }
    let detail = match read::ticket_detail(store.conn(), id) {
        Err(StoreError::NoTicket(_)) => anyhow::bail!("no ticket #{id}"),
        other => other?,
    };
    // the clocks as `shopdesk sla` runs them: the same policies, calendars and rules
    let config = ctx.config_or_default()?;
    let (_, assessed) = assess_tickets(store.conn(), &config, Scope::Ticket(id), Utc::now())?;
    let clocks: &[TargetClock] = assessed
        .first()
        .map_or(&[][..], |a| a.clocks.clocks.as_slice());
    let rating = ratings::rating(store.conn(), id)?;
    if args.json {
        let order = mail_orders::ticket_order(store.conn(), id)?;
        let ids: Vec<i64> = detail.messages.iter().map(|m| m.id).collect();
        let mentions = mail_orders::for_messages(store.conn(), &ids)?;
        write_json(
            std::io::stdout().lock(),
            &DetailJson::new(&detail, order.as_ref(), &mentions)
                .with_sla(clocks)
                .with_rating(rating.as_ref()),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = terminal();
    let t = &detail.ticket;
    writeln!(out, "#{} {}", t.id, sanitize_line(&t.subject))?;
    writeln!(
        out,
        "status {} · owner {} · customer {} · {} message(s){}",
        t.status,
        sanitize_line(t.owner.as_deref().unwrap_or("none")),
        sanitize_line(t.customer.email.as_deref().unwrap_or("?")),
        t.message_count,
        if t.tags.is_empty() {
            String::new()
        } else {
            format!(" · tags {}", sanitize_line(&t.tags.join(", ")))
        }
    )?;
    if !clocks.is_empty() {
        let each: Vec<String> = clocks.iter().map(clock_text).collect();
        writeln!(out, "sla {}", each.join(" · "))?;
    }
    if let Some(r) = &rating {
        writeln!(
            out,
            "rated {} {} on {}{}",
            r.score.kind().as_str(),
            r.score,
            rfc3339(r.at),
            r.comment
                .as_deref()
                .map(|c| format!(": \"{}\"", sanitize_line(c)))
                .unwrap_or_default()
        )?;
    }
    for m in &detail.messages {
        writeln!(out)?;
        let from = match (&m.from.name, &m.from.email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.clone(),
            _ => "(unknown sender)".into(),
        };
        writeln!(
            out,
            "── {} {} {} [{}] · message {}",
            rfc3339(m.date),
            if m.direction == Direction::Out {
                "→"
            } else {
                "←"
            },
            sanitize_line(&from),
            m.placed.by.as_str(),
            m.id
        )?;
        if m.direction != Direction::Note {
            writeln!(out, "   why here: {}", sanitize_line(&m.placed.to_string()))?;
        }
        for w in &m.warnings {
            writeln!(out, "   ! {}", sanitize_line(w))?;
        }
        let text = if args.quotes {
            m.text.clone()
        } else {
            fold_quotes(&m.text, &m.quotes)
        };
        writeln!(out, "{}", sanitize_text(text.trim_end()))?;
        for a in &m.attachments {
            writeln!(
                out,
                "   📎 {} ({}, {} bytes)",
                sanitize_line(a.filename.as_deref().unwrap_or("unnamed")),
                sanitize_line(&a.content_type),
                a.size
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// "first_reply met (due 2026-11-24T13:00:00Z)"
fn clock_text(c: &TargetClock) -> String {
    match c.due_at {
        Some(due) => format!(
            "{} {} (due {})",
            c.target.as_str(),
            c.state.as_str(),
            rfc3339(due)
        ),
        None => format!("{} {}", c.target.as_str(), c.state.as_str()),
    }
}

/// Replaces each quoted range with a one-line marker.
fn fold_quotes(text: &str, quotes: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for &(start, end) in quotes {
        let (Some(before), true) = (text.get(pos..start), end <= text.len()) else {
            continue;
        };
        out.push_str(before);
        let lines = text.get(start..end).map_or(0, |q| q.lines().count());
        out.push_str(&format!(
            "[… {lines} quoted line(s); --quotes shows them]\n"
        ));
        pos = end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}
