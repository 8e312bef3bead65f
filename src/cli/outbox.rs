//! `shopdesk outbox [list | flush | cancel ID | retry ID... | retry --all-failed]`

use std::io::Write;
use std::process::ExitCode;

use crate::domain::outbox::{OutboxState, ReplyKind};
use crate::domain::sanitize::sanitize_line;
use crate::store::outbox::{self, Cancelled, OutboxRow};
use crate::worker::send::{FlushOptions, FlushReport, Waiting, flush};

use super::json::write_json;
use super::output::terminal;
use super::ticket_json::{Rfc3339, rfc3339};
use super::{Context, UsageError};
use crate::ui::text::{Cut, fit};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Replies not yet sent (with --all, sent and cancelled ones too)
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Deliver every queued reply now, undo windows and retry waits included
    Flush {
        #[arg(long)]
        json: bool,
    },
    /// Cancel a reply whose content has not gone to the mail server
    Cancel {
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Try failed replies again now (also ones the server refused for good)
    Retry {
        #[arg(value_name = "ID", required_unless_present = "all_failed")]
        ids: Vec<i64>,
        /// Every failed reply (after a fixed password or address, say)
        #[arg(long, conflicts_with = "ids")]
        all_failed: bool,
    },
}

/// One row of `outbox list --json`: a contract for scripts.
#[derive(serde::Serialize)]
struct RowJson<'a> {
    id: i64,
    account: &'a str,
    ticket_id: Option<i64>,
    message_id: &'a str,
    kind: ReplyKind,
    state: OutboxState,
    attempts: i64,
    last_error: Option<String>,
    permanent: bool,
    recipients: Vec<String>,
    subject: String,
    not_before: Rfc3339,
    created_at: Rfc3339,
    sent_at: Option<Rfc3339>,
    delivered: bool,
    appended: bool,
    smtp_reply: Option<String>,
    resent_after_cut: i64,
}

impl<'a> From<&'a OutboxRow> for RowJson<'a> {
    fn from(r: &'a OutboxRow) -> Self {
        RowJson {
            id: r.id,
            account: &r.account,
            ticket_id: r.ticket_id,
            message_id: &r.message_id,
            kind: r.kind,
            state: r.state,
            attempts: r.attempts,
            last_error: r.last_error.as_deref().map(sanitize_line),
            permanent: r.permanent,
            recipients: r.recipients.iter().map(|a| sanitize_line(a)).collect(),
            subject: sanitize_line(&r.subject),
            not_before: Rfc3339(r.not_before),
            created_at: Rfc3339(r.created_at),
            sent_at: r.sent_at.map(Rfc3339),
            delivered: r.progress.delivered,
            appended: r.progress.appended,
            smtp_reply: r.smtp_reply.as_deref().map(sanitize_line),
            resent_after_cut: r.cut_resends,
        }
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.action.unwrap_or(Action::List {
        all: false,
        json: false,
    }) {
        Action::List { all, json } => list(ctx, all, json),
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
                for (id, e) in failed_on_their_own(&report) {
                    eprintln!("shopdesk: outbox #{id}: {}", sanitize_line(e));
                }
                if let Some(said) = sign_in_refused(&report) {
                    eprintln!("{said}");
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
            match outbox::cancel(store.conn(), id)? {
                Cancelled::Yes => {
                    eprintln!("cancelled outbox #{id}: it will not be sent");
                    Ok(ExitCode::SUCCESS)
                }
                Cancelled::NoSuchRow => {
                    anyhow::bail!(UsageError(format!("no outbox entry #{id}")))
                }
                Cancelled::TooLate(row) => anyhow::bail!(
                    "too late: outbox #{id} {} and can no longer be cancelled",
                    if row.progress.delivered {
                        "was delivered"
                    } else {
                        "went to the mail server"
                    }
                ),
                Cancelled::AlreadyDone(row) => {
                    if row.state == OutboxState::Cancelled {
                        eprintln!("outbox #{id} was cancelled before");
                        Ok(ExitCode::SUCCESS)
                    } else {
                        anyhow::bail!("too late: outbox #{id} was sent")
                    }
                }
            }
        }
        Action::Retry { ids, all_failed } => retry(ctx, ids, all_failed),
    }
}

/// What a refused sign-in leaves behind, said alike by `reply`, `bulk-reply` and `outbox
/// flush`: the server's words once, then the replies that wait for the account to be fixed,
/// by ticket and outbox row.
pub(super) fn sign_in_refused(report: &FlushReport) -> Option<String> {
    /// Enough to find them; `outbox list` shows the rest.
    const NAMED: usize = 20;
    let why = sanitize_line(report.sign_in_refused.as_deref()?);
    let waiting = &report.waiting_on_sign_in;
    let fix = "fix the account's password or token, then `shopdesk outbox flush`";
    let what = match waiting.as_slice() {
        [] => return Some(format!("shopdesk: {why}\nshopdesk: {fix}")),
        [
            Waiting {
                ticket_id: Some(t), ..
            },
        ] => format!("reply to #{t} stays"),
        [_] => "1 reply stays".to_string(),
        many => format!("{} replies stay", many.len()),
    };
    let mut names: Vec<String> = waiting
        .iter()
        .take(NAMED)
        .map(|w| match w.ticket_id {
            Some(t) => format!("#{t} (outbox {})", w.outbox_id),
            None => format!("outbox {}", w.outbox_id),
        })
        .collect();
    if waiting.len() > NAMED {
        names.push(format!("and {} more", waiting.len() - NAMED));
    }
    let them = if waiting.len() == 1 { "it" } else { "them" };
    Some(format!(
        "shopdesk: {what} queued: {why}\nshopdesk: waiting: {}; {fix} sends {them}",
        names.join(", ")
    ))
}

/// The failed rows a refused sign-in does not account for: each failed for a reason of
/// its own.
pub(super) fn failed_on_their_own(report: &FlushReport) -> impl Iterator<Item = &(i64, String)> {
    report
        .failed
        .iter()
        .filter(|(id, _)| !report.waiting_on_sign_in.iter().any(|w| w.outbox_id == *id))
}

/// Makes failed rows due now. Unknown IDs are a usage error and change nothing; a row that
/// is not failed is left as it is and said (exit 1).
fn retry(ctx: &Context, ids: Vec<i64>, all_failed: bool) -> anyhow::Result<ExitCode> {
    let store = ctx.store()?;
    let rows: Vec<OutboxRow> = if all_failed {
        outbox::list(store.conn(), false)?
            .into_iter()
            .filter(|r| r.state == OutboxState::Failed)
            .collect()
    } else {
        let mut rows: Vec<OutboxRow> = Vec::new();
        for id in ids {
            // an ID given twice is one retry
            if rows.iter().any(|r| r.id == id) {
                continue;
            }
            match outbox::get(store.conn(), id)? {
                Some(row) => rows.push(row),
                None => anyhow::bail!(UsageError(format!("no outbox entry #{id}"))),
            }
        }
        rows
    };
    if all_failed && rows.is_empty() {
        eprintln!("no failed replies: nothing to retry");
    }
    let mut code = ExitCode::SUCCESS;
    for row in rows {
        let id = row.id;
        if outbox::retry(store.conn(), id)? {
            eprintln!("outbox #{id} will be tried again now");
        } else {
            eprintln!(
                "shopdesk: outbox #{id} is {}, not failed: nothing to retry",
                row.state
            );
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

fn list(ctx: &Context, all: bool, json: bool) -> anyhow::Result<ExitCode> {
    let store = ctx.store()?;
    let rows = outbox::list(store.conn(), all)?;
    if json {
        let rows: Vec<RowJson> = rows.iter().map(RowJson::from).collect();
        write_json(std::io::stdout().lock(), &rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = terminal();
    if rows.is_empty() {
        eprintln!("outbox is empty");
    }
    for r in rows {
        let when = rfc3339(r.not_before);
        let state = match (r.state, r.progress.delivered) {
            (OutboxState::Failed, true) => "filing",
            (OutboxState::Failed, false) if r.permanent => "refused",
            (s, _) => s.as_str(),
        };
        writeln!(
            out,
            "{:>5}  {:<9} {:>6}  {}  {}  {}",
            r.id,
            state,
            r.ticket_id.map_or("-".into(), |t| format!("#{t}")),
            &when[..16.min(when.len())],
            fit(&r.recipients.join(", "), 28, Cut::Ellipsis),
            fit(&r.subject, 40, Cut::Ellipsis).trim_end(),
        )?;
        if let Some(e) = &r.last_error {
            let what = if r.permanent {
                "refused for good; `shopdesk outbox retry` tries again"
            } else {
                "retried automatically"
            };
            writeln!(
                out,
                "       error (attempt {}, {what}): {}",
                r.attempts,
                sanitize_line(e)
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
