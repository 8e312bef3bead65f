//! `shopdesk sla [--json] [--fail-on-breach]`: the clocks that need attention now, per
//! target, breached first. Exit 3 with `--fail-on-breach` when any is breached (for cron
//! and monitoring).

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use crate::store::timeline::Scope;
use crate::worker::service_levels::alerts;

use super::Context;
use super::json::write_json;
use super::levels::load;
use super::output::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array: {"ticket_id","target","stage","due_at","policy"}
    #[arg(long)]
    json: bool,
    /// Exit 3 if any ticket is past a target
    #[arg(long)]
    fail_on_breach: bool,
}

pub const BREACH_EXIT: u8 = 3;

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let config = ctx.config_or_default()?;
    let assessment = load(ctx, &config, Scope::Active, now)?;
    let rows = alerts(&assessment.levels, &assessment.tickets);
    if args.json {
        write_json(std::io::stdout().lock(), &rows)?;
    } else {
        let mut out = terminal();
        for r in &rows {
            writeln!(
                out,
                "{:>6}  {:<11}  {:<11}  due {}  {}",
                format!("#{}", r.ticket_id),
                r.stage,
                r.target,
                r.due_at.as_deref().unwrap_or("-"),
                r.policy,
            )?;
        }
        out.flush()?;
    }
    let breached = rows.iter().any(|r| r.stage == "breached");
    Ok(if args.fail_on_breach && breached {
        ExitCode::from(BREACH_EXIT)
    } else {
        ExitCode::SUCCESS
    })
}
