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
        println!("{}", serde_json::to_string_pretty(&v)?);
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

fn watch(
    ctx: &Context,
    config: &crate::config::Config,
    only: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let watch = Watch::start(config, &ctx.db_path, only, |ev| match ev {
        WatchEvent::Synced { account, report } => {
            if report.new_messages + report.flag_changes + report.expunged > 0 {
                eprintln!(
                    "{account}/{}: {} new, {} flag change(s), {} expunged",
                    report.mailbox, report.new_messages, report.flag_changes, report.expunged
                );
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
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    })?;
    watch.stop();
    Ok(ExitCode::SUCCESS)
}
