//! `shopdesk outbox [list | flush | cancel ID]`

use std::io::Write;
use std::process::ExitCode;

use crate::store::outbox;
use crate::worker::send::{FlushOptions, flush};

use super::json::write_json;
use super::output::{fit, terminal};
use super::{Context, UsageError};
use crate::domain::sanitize::sanitize_line;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Replies not yet sent (with --all, sent ones too)
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Deliver every queued reply now, undo windows included
    Flush {
        #[arg(long)]
        json: bool,
    },
    /// Cancel a reply that has not reached the mail server
    Cancel {
        #[arg(value_name = "ID")]
        id: i64,
    },
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.action.unwrap_or(Action::List {
        all: false,
        json: false,
    }) {
        Action::List { all, json } => {
            let store = ctx.store()?;
            let rows = outbox::list(store.conn(), all)?;
            if json {
                write_json(std::io::stdout().lock(), &rows)?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut out = terminal();
            if rows.is_empty() {
                eprintln!("outbox is empty");
            }
            for r in rows {
                let when = crate::store::read::rfc3339(r.not_before);
                writeln!(
                    out,
                    "{:>5}  {:<9} {:>6}  {}  {}  {}{}",
                    r.id,
                    sanitize_line(&r.state),
                    r.ticket_id.map_or("-".into(), |t| format!("#{t}")),
                    &when[..16.min(when.len())],
                    fit(&r.recipients.join(", "), 28),
                    fit(&r.subject, 40).trim_end(),
                    r.last_error
                        .map(|e| format!(
                            "\n       error (attempt {}): {}",
                            r.attempts,
                            sanitize_line(&e)
                        ))
                        .unwrap_or_default()
                )?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Action::Flush { json } => {
            let config = ctx.config()?;
            drop(ctx.store()?);
            let report = flush(
                &config,
                &ctx.db_path,
                &FlushOptions {
                    ignore_undo: true,
                    ..Default::default()
                },
            )?;
            if json {
                write_json(std::io::stdout().lock(), &report)?;
            } else {
                eprintln!("{} sent, {} failed", report.sent.len(), report.failed.len());
                for (id, e) in &report.failed {
                    eprintln!("shopdesk: outbox #{id}: {}", sanitize_line(&e.to_string()));
                }
            }
            Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Action::Cancel { id } => {
            let store = ctx.store()?;
            let Some(row) = outbox::get(store.conn(), id)? else {
                anyhow::bail!(UsageError(format!("no outbox entry #{id}")));
            };
            if outbox::cancel(store.conn(), id)? {
                eprintln!("cancelled outbox #{id} ({})", sanitize_line(&row.subject));
                Ok(ExitCode::SUCCESS)
            } else {
                anyhow::bail!(
                    "outbox #{id} is {} and can no longer be cancelled",
                    if row.delivered {
                        "already delivered"
                    } else {
                        row.state.as_str()
                    }
                )
            }
        }
    }
}
