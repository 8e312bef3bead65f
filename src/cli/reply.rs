//! `shopdesk reply ID (--template NAME | --body-file F | --editor) [--status S] [--dry-run]`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;
use crate::domain::sanitize::sanitize_line;
use crate::domain::{Status, TicketId};
use crate::mailout::{self, Body, PreparedReply, ReplyRequest};
use crate::store::outbox::{self, Enqueued, OutboxRow};
use crate::store::{StoreError, corrections};
use crate::templates::{self, Templates};
use crate::worker::send::{FlushOptions, FlushReport, flush};

use super::show::parse_ticket_id;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("body").required(true).args(["template", "body_file", "editor"])))]
pub struct Args {
    /// Ticket number
    #[arg(value_name = "ID")]
    id: String,
    /// Canned reply to send, in the customer's language (see `shopdesk templates`)
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// The reply's text, from a file ('-' for stdin)
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Write the reply in $EDITOR
    #[arg(long)]
    editor: bool,
    /// Status to set once sent (default: the template's, else unchanged)
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// Attach a file (repeatable)
    #[arg(long, value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// Quote the customer's message below the reply
    #[arg(long)]
    quote: bool,
    /// Print the rendered mail and send nothing
    #[arg(long)]
    dry_run: bool,
    /// Queue only; leave delivery to `outbox flush` or `sync --watch`
    #[arg(long)]
    queue_only: bool,
    #[arg(long)]
    json: bool,
}

pub(super) fn parse_status(s: Option<&str>) -> Result<Option<Status>, UsageError> {
    s.map(|s| {
        s.parse::<Status>().map_err(|_| {
            UsageError(format!(
                "unknown status '{s}'; use new, open, pending, solved or closed"
            ))
        })
    })
    .transpose()
}

pub(super) fn load_templates(config: &Config) -> anyhow::Result<Templates> {
    Ok(Templates::load(
        &templates::user_dirs(config),
        &config.shop.default_language,
    )?)
}

fn read_body(args: &Args) -> anyhow::Result<Body> {
    if let Some(t) = &args.template {
        return Ok(Body::Template(t.clone()));
    }
    if let Some(f) = &args.body_file {
        let text = if f.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin())?
        } else {
            std::fs::read_to_string(f)
                .map_err(|e| anyhow::anyhow!("body file {}: {e}", f.display()))?
        };
        return Ok(Body::Text(text));
    }
    let text = crate::editor::edit("").map_err(|e| anyhow::anyhow!("{e}; nothing sent"))?;
    Ok(Body::Text(text))
}

pub(super) fn print_prepared(
    out: &mut impl Write,
    p: &PreparedReply,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        super::json::write_json(
            &mut *out,
            &serde_json::json!({
                "ticket_id": p.ticket, "message_id": p.message_id,
                "from": p.from, "to": p.to, "cc": p.cc, "subject": p.subject,
                "template": p.template, "language": p.language,
                "status_after": p.status_after.map(|s| s.as_str()), "tags": p.tags,
                "text": p.body,
            }),
        )?;
    } else {
        out.write_all(&p.raw)?;
        writeln!(out)?;
    }
    Ok(())
}

/// What became of a reply that did not go out, and what the user does next: a permanent
/// refusal waits for `outbox retry`, a refused sign-in for the account to be fixed, and
/// anything else is tried again by itself.
fn not_sent(
    ticket: TicketId,
    row: i64,
    err: &str,
    report: &FlushReport,
    stored: Option<&OutboxRow>,
) -> String {
    let err = sanitize_line(err);
    if let Some(said) = super::outbox::sign_in_refused(report) {
        return said;
    }
    if stored.is_some_and(|r| r.permanent) {
        return format!(
            "shopdesk: reply to #{ticket} (outbox #{row}) refused by the server: {err}\n\
             shopdesk: it is not retried; fix the cause and run `shopdesk outbox retry {row}`"
        );
    }
    format!(
        "shopdesk: reply to #{ticket} is queued (outbox #{row}) but not sent yet: {err}\n\
         shopdesk: it is retried with a growing wait by `shopdesk sync --watch`, or now by \
         `shopdesk outbox flush`"
    )
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let asked = parse_ticket_id(&args.id)?;
    let status_after = parse_status(args.status.as_deref())?;
    let config = ctx.config()?;
    for a in &args.attach {
        if !a.is_file() {
            anyhow::bail!("attachment {}: no such file", a.display());
        }
    }
    let templates = load_templates(&config)?;
    let store = ctx.store()?;
    // A merged ticket's number answers for the survivor (as `show` and the verbs do): the
    // reply, its status and its tags go there, not to the empty merged row.
    let id = match corrections::survivor(store.conn(), asked) {
        Err(StoreError::NoTicket(_)) => anyhow::bail!("no ticket #{asked}"),
        other => other?,
    };
    if id != asked {
        eprintln!("shopdesk: #{asked} was merged into #{id}; the reply goes there");
    }
    let body = read_body(&args)?;
    let req = ReplyRequest {
        status_after,
        attachments: args.attach.clone(),
        quote: args.quote,
        ..ReplyRequest::new(id, body, &config.agent)
    };
    let prepared = match mailout::prepare(store.conn(), &config, &templates, &req) {
        Err(mailout::MailoutError::Store(StoreError::NoTicket(_))) => {
            anyhow::bail!("no ticket #{id}")
        }
        other => other?,
    };
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        print_prepared(&mut out, &prepared, args.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let row = match mailout::queue(
        store.conn(),
        &prepared,
        config.outbox.cli_undo_seconds,
        &config.agent,
        None,
    )? {
        Enqueued::Queued(id) | Enqueued::Duplicate(id) => id,
    };
    drop(store);
    if args.queue_only || config.outbox.cli_undo_seconds > 0 {
        eprintln!("reply to #{id} queued as outbox #{row}");
        return Ok(ExitCode::SUCCESS);
    }
    let report = flush(
        &config,
        &ctx.db_path,
        &FlushOptions {
            only: Some(vec![row]),
            wait: true,
            ..Default::default()
        },
    )?;
    if report.cancelled.contains(&row) {
        eprintln!("reply to #{id} was cancelled (outbox #{row}); nothing was sent");
        return Ok(ExitCode::from(1));
    }
    let mut state = "sent";
    if let Some((_, err)) = report.failed.first() {
        state = "delivered";
        let store = ctx.store()?;
        let stored = outbox::get(store.conn(), row)?;
        if stored.as_ref().is_some_and(|r| r.progress.delivered) {
            // The customer has it; only the copy in Sent is missing, and it is retried.
            eprintln!(
                "sent reply to #{id}; its copy is not filed in Sent yet (retried by \
                 `shopdesk outbox flush` and `shopdesk sync --watch`): {}",
                sanitize_line(err)
            );
        } else {
            // The reply is safe in the outbox; a rerun of `reply` would write a second one.
            eprintln!("{}", not_sent(id, row, err, &report, stored.as_ref()));
            return Ok(ExitCode::from(1));
        }
    }
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::json!({"ticket_id": id, "outbox_id": row, "message_id": prepared.message_id, "state": state})
        )?;
    } else {
        eprintln!(
            "sent reply to #{id} ({})",
            prepared
                .to
                .iter()
                .map(|a| a.email.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
