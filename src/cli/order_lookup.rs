//! `shopdesk orders lookup (NUMBER|EMAIL) [--max-age DUR] [--json]`: the shop's live
//! lookup (`[shop] order_lookup_cmd`), its answer stored as orders from `lookup` and
//! reused while younger than `--max-age`, its age always shown.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::parse_duration;
use crate::domain::order::{Order, OrderSource};
use crate::domain::sanitize::sanitize_line;
use crate::import::order_lookup;
use crate::store::orders;
use crate::ui::text::short_age;

use super::json::write_json;
use super::order_json::OrderJson;
use super::output::terminal;
use super::ticket_json::Rfc3339;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An order number (`1001`, `#1001`) or a customer's address
    #[arg(value_name = "NUMBER|EMAIL")]
    key: String,
    /// Reuse a stored answer younger than this (`30s`, `10m`, `2h`; `0s` always asks)
    #[arg(long, value_name = "DUR", default_value = "10m")]
    max_age: String,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct LookupJson<'a> {
    /// When the shop's command last answered for this key.
    looked_up_at: Option<Rfc3339>,
    age_seconds: Option<i64>,
    /// Whether this answer came from the store rather than a run just now.
    cached: bool,
    orders: Vec<OrderJson<'a>>,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<ExitCode> {
    let seconds = |t: &str| t.strip_suffix('s').unwrap_or(t).parse::<i64>().ok();
    let max_age = seconds(a.max_age.trim())
        .map(chrono::Duration::seconds)
        .or_else(|| parse_duration(&a.max_age))
        .ok_or_else(|| UsageError(format!("--max-age {}: expected 30s, 10m, 2h", a.max_age)))?;
    let config = ctx.config_or_default()?;
    let mut store = ctx.store()?;
    let now = Utc::now();
    let fresh = orders::looked_up_at(store.conn(), &a.key)?.filter(|at| now - *at < max_age);
    let cached = fresh.is_some();
    if !cached {
        let cmd = config.shop.order_lookup_cmd.as_deref().ok_or_else(|| {
            UsageError("no order_lookup_cmd in [shop]: see README, \"Orders\"".into())
        })?;
        let printed = order_lookup::run(cmd, &a.key)?;
        let patches = order_lookup::parse(&printed)?;
        let tx = store.write()?;
        orders::apply(&tx, &patches, OrderSource::Lookup, now)?;
        let numbers: Vec<String> = patches.iter().map(|p| p.number.clone()).collect();
        orders::mark_looked_up(&tx, &numbers, a.key.contains('@'), now)?;
        tx.commit().context("storing the lookup")?;
    }
    let found = found(store.conn(), &a.key)?;
    let at = orders::looked_up_at(store.conn(), &a.key)?;
    if a.json {
        let out = LookupJson {
            looked_up_at: at.map(Rfc3339),
            age_seconds: at.map(|t| (now - t).num_seconds().max(0)),
            cached,
            orders: found.iter().map(OrderJson::from).collect(),
        };
        write_json(std::io::stdout().lock(), &out)?;
    } else {
        print(&found, at, cached, now)?;
    }
    Ok(if found.is_empty() {
        eprintln!(
            "shopdesk: the lookup found no order for {}",
            sanitize_line(&a.key)
        );
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The stored orders for the key: the one order, or the address's orders.
fn found(conn: &rusqlite::Connection, key: &str) -> anyhow::Result<Vec<Order>> {
    Ok(if key.contains('@') {
        orders::for_email(conn, key.trim())?
    } else {
        orders::by_number(conn, key)?.into_iter().collect()
    })
}

fn print(
    found: &[Order],
    at: Option<DateTime<Utc>>,
    cached: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut out = terminal();
    for o in found {
        let tracking = [o.carrier.as_deref(), o.tracking_number.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        writeln!(
            out,
            "#{:<8} {:<9} {}  {}  {}",
            sanitize_line(&o.number),
            o.status.as_str(),
            o.created_at.format("%Y-%m-%d"),
            o.total_text().unwrap_or_default(),
            sanitize_line(&tracking)
        )?;
    }
    if let Some(at) = at {
        eprintln!(
            "looked up {} ago{}",
            short_age((now - at).num_seconds().max(0)),
            if cached { " (stored answer)" } else { "" }
        );
    }
    Ok(())
}
