//! `shopdesk sync [--account A] [--watch]`

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::worker::sync::sync_all;
use crate::worker::watch::{Watch, WatchEvent};

use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this account
    #[arg(long, value_name = "NAME")]
    account: Option<String>,
    /// Keep running: IDLE on every folder and apply new mail as it arrives
    #[arg(long)]
    watch: bool,
    /// Print a summary as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let config = ctx.config()?;
    if config.accounts.is_empty() {
        anyhow::bail!(UsageError(format!(
            "{}: no [[accounts]] configured",
            config
                .path
                .as_ref()
                .map_or("config".into(), |p| p.display().to_string())
        )));
    }
    if let Some(a) = &args.account
        && config.account(a).is_none()
    {
        let names: Vec<_> = config.accounts.iter().map(|a| a.name.as_str()).collect();
        anyhow::bail!(UsageError(format!(
            "no account '{a}' (configured: {})",
            names.join(", ")
        )));
    }
    // the database must open (and migrate) before any network work
    drop(ctx.store()?);
    if args.watch {
        return watch(ctx, &config, args.account.as_deref());
    }
    let outcomes = sync_all(
        &config,
        &ctx.db_path,
        args.account.as_deref(),
        std::io::stderr().is_terminal(),
    );
    let mut failed = false;
    let mut acks = 0;
    for o in &outcomes {
        for m in &o.mailboxes {
            acks += after_sync(&config, ctx, &o.account, m);
        }
    }
    acks += surveys(&config, ctx);
    acks += digest(&config, ctx);
    deliver_due(&config, ctx, acks > 0);
    if args.json {
        let v: Vec<_> = outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "account": o.account,
                    "errors": o.errors,
                    "mailboxes": o.mailboxes.iter().map(|m| serde_json::json!({
                        "mailbox": m.mailbox, "new_messages": m.new_messages,
                        "new_tickets": m.new_tickets, "flag_changes": m.flag_changes,
                        "expunged": m.expunged, "uidvalidity_reset": m.uidvalidity_reset,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        super::json::write_json(std::io::stdout().lock(), &v)?;
    }
    for o in &outcomes {
        for e in &o.errors {
            eprintln!("shopdesk: {e}");
            failed = true;
        }
        if !args.json {
            for m in &o.mailboxes {
                if m.unchanged {
                    continue;
                }
                eprintln!(
                    "{}/{}: {} new message(s), {} new ticket(s), {} flag change(s), {} expunged{}",
                    o.account,
                    m.mailbox,
                    m.new_messages,
                    m.new_tickets,
                    m.flag_changes,
                    m.expunged,
                    if m.uidvalidity_reset {
                        " (UIDVALIDITY changed: refetched)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Acknowledges the new tickets of one synced mailbox; returns how many were queued.
fn after_sync(
    config: &crate::config::Config,
    ctx: &Context,
    account: &str,
    report: &crate::worker::mailbox_sync::MailboxReport,
) -> usize {
    let Some(account) = config.account(account) else {
        return 0;
    };
    if !account.auto_ack.enabled || report.new_ticket_ids.is_empty() {
        return 0;
    }
    let result = (|| -> anyhow::Result<usize> {
        let templates = super::reply::load_templates(config)?;
        let store = ctx.store()?;
        let out = crate::mailout::auto_ack::acknowledge(
            store.conn(),
            config,
            &templates,
            account,
            &report.mailbox,
            &report.new_ticket_ids,
        )?;
        for (t, why) in &out.skipped {
            tracing::info!(ticket = t, reason = %why, "no acknowledgement");
        }
        Ok(out.queued.len())
    })();
    result.unwrap_or_else(|e| {
        eprintln!(
            "shopdesk: {}: acknowledging new tickets: {e:#}",
            account.name
        );
        0
    })
}

/// Queues the delayed satisfaction surveys that are due; returns how many.
fn surveys(config: &crate::config::Config, ctx: &Context) -> usize {
    if !config.survey.enabled {
        return 0;
    }
    let result = (|| -> anyhow::Result<usize> {
        let templates = super::reply::load_templates(config)?;
        let store = ctx.store()?;
        Ok(crate::mailout::survey::queue_due(
            store.conn(),
            config,
            &templates,
            chrono::Utc::now(),
        )?)
    })();
    result.unwrap_or_else(|e| {
        eprintln!("shopdesk: surveys: {e:#}");
        0
    })
}

/// Queues the service-level digest to the owner when its period has one; returns how many.
fn digest(config: &crate::config::Config, ctx: &Context) -> usize {
    if config.sla.digest_to.is_none() {
        return 0;
    }
    let queued = (|| -> anyhow::Result<usize> {
        let store = ctx.store()?;
        let id = crate::worker::digest::queue_due(store.conn(), config, chrono::Utc::now())?;
        Ok(usize::from(id.is_some()))
    })();
    queued.unwrap_or_else(|e| {
        eprintln!("shopdesk: digest: {e:#}");
        0
    })
}

/// Delivers outbox rows that are due (new acknowledgements, retries after failures).
fn deliver_due(config: &crate::config::Config, ctx: &Context, force: bool) {
    let due = ctx
        .store()
        .ok()
        .and_then(|s| crate::store::outbox::has_due(s.conn(), crate::store::now_unix()).ok())
        .unwrap_or(false);
    if !(due || force) {
        return;
    }
    match crate::worker::send::flush(config, &ctx.db_path, &Default::default()) {
        Ok(r) => {
            for (id, e) in &r.failed {
                eprintln!("shopdesk: outbox #{id}: {e}");
            }
        }
        Err(e) => eprintln!("shopdesk: outbox: {e}"),
    }
}

/// The send worker runs an SMTP runtime of its own, which cannot start on this one's
/// thread: it gets a thread of its own while the watch loop waits for it.
fn deliver_off_runtime(config: &crate::config::Config, ctx: &Context, force: bool) {
    std::thread::scope(|s| {
        let _ = s.spawn(|| deliver_due(config, ctx, force)).join();
    });
}

/// How often `sync --watch` looks for clocks that crossed a stage.
const ALERT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Raises the service-level alerts due now (`[sla] alert_cmd`), reporting failures.
fn alert(config: &crate::config::Config, ctx: &Context) {
    if config.sla.alert_cmd.is_none() {
        return;
    }
    let raised = ctx.store().map_err(|e| e.to_string()).and_then(|store| {
        crate::worker::service_levels::raise_alerts(store.conn(), config, chrono::Utc::now())
            .map_err(|e| e.to_string())
    });
    match raised {
        Ok(0) => {}
        Ok(n) => eprintln!("{n} service-level alert(s) raised"),
        Err(e) => eprintln!("shopdesk: {e}"),
    }
}

fn watch(
    ctx: &Context,
    config: &crate::config::Config,
    only: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(
        String,
        crate::worker::mailbox_sync::MailboxReport,
    )>();
    let watch = Watch::start(config, &ctx.db_path, only, move |ev| match ev {
        WatchEvent::Synced { account, report } => {
            if report.new_messages + report.flag_changes + report.expunged > 0 {
                eprintln!(
                    "{account}/{}: {} new, {} flag change(s), {} expunged",
                    report.mailbox, report.new_messages, report.flag_changes, report.expunged
                );
            }
            if !report.new_ticket_ids.is_empty() {
                let _ = tx.send((account, report));
            }
        }
        WatchEvent::Error {
            account,
            mailbox,
            message,
            retry_in,
        } => eprintln!(
            "shopdesk: {account}/{mailbox}: {message} (retrying in {:.1}s)",
            retry_in.as_secs_f32()
        ),
    });
    eprintln!("watching; Ctrl-C to stop");
    rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        // The send worker's beat: queued replies past their undo window, and retries.
        let mut beat = tokio::time::interval(std::time::Duration::from_secs(2));
        // Service-level alerts: after new mail, and on a slower beat of their own, since a
        // clock crosses a stage with no mail at all.
        let mut alert_beat = tokio::time::interval(ALERT_EVERY);
        loop {
            tokio::select! {
                r = tokio::signal::ctrl_c() => return r,
                _ = term.recv() => return Ok(()),
                Some((account, report)) = rx.recv() => {
                    let queued = after_sync(config, ctx, &account, &report);
                    deliver_off_runtime(config, ctx, queued > 0);
                    alert(config, ctx);
                }
                _ = alert_beat.tick() => {
                    alert(config, ctx);
                    let queued = surveys(config, ctx) + digest(config, ctx);
                    deliver_off_runtime(config, ctx, queued > 0);
                }
                _ = beat.tick() => deliver_off_runtime(config, ctx, false),
            }
        }
    })?;
    watch.stop();
    Ok(ExitCode::SUCCESS)
}
