//! `shopdesk bulk-reply --query Q --template NAME [--status S] [--dry-run] [--yes]
//! [--rate N/min]`: one templated reply per matching ticket, idempotent: a customer
//! message already answered with this template is skipped, so a rerun sends nothing twice.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::domain::sanitize::sanitize_line;
use crate::mailout;
use crate::store::query_sql::ticket_query;
use crate::store::search;
use crate::worker::send::{FlushOptions, flush};

use super::reply::{load_templates, parse_status, print_prepared};
use super::{Context, UsageError, query_args};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which tickets (the query language of `list`)
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    query: String,
    /// Canned reply to send
    #[arg(long, value_name = "NAME")]
    template: String,
    /// Status to set once sent
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// Print every rendered mail and send nothing
    #[arg(long)]
    dry_run: bool,
    /// Do not ask before sending
    #[arg(long, short = 'y')]
    yes: bool,
    /// At most this many mails per minute, e.g. 60/min
    #[arg(long, value_name = "N/min")]
    rate: Option<String>,
    /// Queue the replies and return; `outbox flush` or `sync --watch` delivers them
    #[arg(long)]
    queue_only: bool,
    /// At most this many tickets
    #[arg(long, default_value_t = 10_000)]
    limit: usize,
    #[arg(long)]
    json: bool,
}

fn parse_rate(s: &str) -> Result<u32, UsageError> {
    let n = s.trim().trim_end_matches("/min").trim_end_matches("/m");
    n.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
        UsageError(format!(
            "bad rate '{s}': use a number of mails per minute, e.g. 60/min"
        ))
    })
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let query = query_args::parse(&args.query)?;
    let status_after = parse_status(args.status.as_deref())?;
    let rate = args.rate.as_deref().map(parse_rate).transpose()?;
    let config = ctx.config()?;
    let templates = load_templates(&config)?;
    templates.pick(&args.template, None)?;
    let store = ctx.store()?;
    let qctx = query_args::context(store.conn(), &config, &query)?;
    let tickets = search::run_ids(store.conn(), &ticket_query(&query, &qctx, args.limit, 0))?;

    let mut replies = mailout::bulk::plan(
        store.conn(),
        &config,
        &templates,
        &tickets,
        &args.template,
        status_after,
        &config.agent,
    )?;
    let prepared = &replies.ready;
    let skipped = |r: &mailout::bulk::BulkReplies| -> Vec<(i64, String)> {
        r.skipped.iter().map(|(t, s)| (*t, s.reason())).collect()
    };

    let mut out = std::io::stdout().lock();
    if args.dry_run {
        if args.json {
            let mails: Vec<_> = prepared
                .iter()
                .map(|(p, _)| serde_json::json!({"ticket_id": p.ticket, "to": p.to, "subject": p.subject, "language": p.language, "text": p.body}))
                .collect();
            let skipped: Vec<_> = skipped(&replies)
                .iter()
                .map(|(t, r)| serde_json::json!({"ticket_id": t, "reason": r}))
                .collect();
            super::json::write_json(
                &mut out,
                &serde_json::json!({"would_send": mails, "skipped": skipped}),
            )?;
        } else {
            for (p, _) in prepared {
                writeln!(out, "==== ticket #{} ====", p.ticket)?;
                print_prepared(&mut out, p, false)?;
            }
            for (t, r) in skipped(&replies) {
                eprintln!("skip #{t}: {r}");
            }
            eprintln!(
                "dry run: {} would be sent, {} skipped",
                prepared.len(),
                replies.skipped.len()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if prepared.is_empty() {
        for (t, r) in skipped(&replies) {
            eprintln!("skip #{t}: {r}");
        }
        eprintln!(
            "nothing to send ({} matching, {} skipped)",
            tickets.len(),
            replies.skipped.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(UsageError(format!(
                "about to send {} replies: add --yes to confirm when not at a terminal",
                prepared.len()
            )));
        }
        eprint!(
            "Send '{}' to {} customers? [y/N] ",
            args.template,
            prepared.len()
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing sent");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let rows = mailout::bulk::queue_all(
        store.conn(),
        &mut replies,
        &args.template,
        0,
        rate,
        &config.agent,
    )?;
    drop(store);
    if args.queue_only {
        eprintln!(
            "{} replies queued, {} skipped",
            rows.len(),
            replies.skipped.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let bar = (std::io::stderr().is_terminal() && rows.len() > 1).then(|| {
        let b = indicatif::ProgressBar::new(rows.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} sent  {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    // The bar advances per row through the shared static below.
    BAR.with(|b| *b.borrow_mut() = bar.clone());
    let report = flush(
        &config,
        &ctx.db_path,
        &FlushOptions {
            only: Some(rows.clone()),
            wait: true,
            progress: Some(tick),
            ..Default::default()
        },
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let skipped = skipped(&replies);
    if args.json {
        let skipped: Vec<_> = skipped
            .iter()
            .map(|(t, r)| serde_json::json!({"ticket_id": t, "reason": r}))
            .collect();
        super::json::write_json(
            &mut out,
            &serde_json::json!({"sent": report.sent.len(), "queued": report.failed.len(), "skipped": skipped,
                "errors": report.failed.iter().map(|(id, e)| serde_json::json!({"outbox_id": id, "error": e})).collect::<Vec<_>>()}),
        )?;
    } else {
        for (t, r) in &skipped {
            eprintln!("skip #{t}: {r}");
        }
        for (id, e) in super::outbox::failed_on_their_own(&report) {
            eprintln!("queued, not sent: outbox #{id}: {}", sanitize_line(e));
        }
        // One cause for all of them: said once, with what it leaves behind.
        if let Some(said) = super::outbox::sign_in_refused(&report) {
            eprintln!("{said}");
        }
        eprintln!(
            "{} sent, {} queued for retry, {} skipped",
            report.sent.len(),
            report.failed.len(),
            skipped.len()
        );
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

thread_local! {
    static BAR: std::cell::RefCell<Option<indicatif::ProgressBar>> = const { std::cell::RefCell::new(None) };
}

fn tick(done: usize, _total: usize) {
    BAR.with(|b| {
        if let Some(bar) = b.borrow().as_ref() {
            bar.set_position(done as u64);
        }
    });
}
