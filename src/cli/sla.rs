//! `shopdesk sla [--json] [--fail-on-breach]`: the clocks that need attention now, per
//! target, breached first. Exit 3 with `--fail-on-breach` when any is breached (for cron
//! and monitoring).

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::sla::Stage;
use crate::store::timeline::Scope;

use super::Context;
use super::json::write_json;
use super::levels::{Assessment, load};
use super::output::terminal;
use super::ticket_json::rfc3339;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array: {"ticket_id","target","stage","due_at","policy"}
    #[arg(long)]
    json: bool,
    /// Exit 3 if any ticket is past a target
    #[arg(long)]
    fail_on_breach: bool,
}

/// One row of `sla --json`: a contract for scripts.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct SlaRow {
    pub ticket_id: i64,
    /// first_reply | next_reply | resolution
    pub target: &'static str,
    /// approaching | breached
    pub stage: &'static str,
    /// RFC 3339, UTC; null when the calendar never opens
    pub due_at: Option<String>,
    pub policy: String,
}

pub const BREACH_EXIT: u8 = 3;

/// Every running clock at a stage, breached first, then by due time.
pub fn rows(a: &Assessment) -> Vec<SlaRow> {
    let mut out: Vec<(Stage, Option<DateTime<Utc>>, SlaRow)> = Vec::new();
    for t in &a.tickets {
        let policy = a.policy(t).unwrap_or_default();
        for c in &t.clocks.clocks {
            if let Some(stage) = c.stage {
                out.push((
                    stage,
                    c.due_at,
                    SlaRow {
                        ticket_id: t.record.id,
                        target: c.target.as_str(),
                        stage: match stage {
                            Stage::Approaching => "approaching",
                            Stage::Breached => "breached",
                        },
                        due_at: c.due_at.map(rfc3339),
                        policy: policy.to_string(),
                    },
                ));
            }
        }
    }
    out.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then(x.1.cmp(&y.1))
            .then(x.2.ticket_id.cmp(&y.2.ticket_id))
    });
    out.into_iter().map(|(_, _, r)| r).collect()
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let assessment = load(ctx, Scope::Active, now)?;
    let rows = rows(&assessment);
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
