//! `shopdesk orders import FILE [--format shopify|woocommerce|generic] [--dry-run] [--json]`
//! and `shopdesk orders show NUMBER [--json]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use serde::Serialize;

use crate::domain::order::{OrderPatch, items_text};
use crate::domain::sanitize::sanitize_line;
use crate::import::orders::{Format, read};
use crate::store::orders::{self, PatchOutcome};

use super::json::write_json;
use super::order_json::{OrderJson, money};
use super::output::terminal;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Import a shop's order export: new orders are added, known ones updated
    Import {
        /// The CSV file: a Shopify or WooCommerce export, or the generic format
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Which export this is (default: told by its header)
        #[arg(long, value_parser = ["shopify", "woocommerce", "generic"])]
        format: Option<String>,
        /// Say what would change, change nothing
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Ask the shop's `order_lookup_cmd` for an order (by number) or a customer's orders
    /// (by address); an answer younger than --max-age is taken from the cache
    Lookup(super::order_lookup::Args),
    /// One order, by the number customers see or the platform's id
    Show {
        #[arg(value_name = "NUMBER")]
        number: String,
        #[arg(long)]
        json: bool,
    },
}

/// `orders import --json`: a contract for scripts.
#[derive(Serialize, Default)]
struct ImportJson {
    new: usize,
    updated: usize,
    unchanged: usize,
    rejected: Vec<RejectedJson>,
}

#[derive(Serialize)]
struct RejectedJson {
    line: u64,
    reason: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Import {
            file,
            format,
            dry_run,
            json,
        } => import(
            ctx,
            &file,
            format.as_deref().and_then(Format::parse),
            dry_run,
            json,
        ),
        Action::Show { number, json } => show(ctx, &number, json),
        Action::Lookup(a) => super::order_lookup::run(ctx, a),
    }
}

fn import(
    ctx: &Context,
    file: &PathBuf,
    format: Option<Format>,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| name.clone())?;
    let parsed = read(&bytes, format).with_context(|| name.clone())?;
    let mut report = ImportJson {
        rejected: parsed
            .rejected
            .iter()
            .map(|r| RejectedJson {
                line: r.line,
                reason: r.reason.clone(),
            })
            .collect(),
        ..ImportJson::default()
    };
    let patches: Vec<OrderPatch> = parsed.orders.iter().map(|o| o.patch.clone()).collect();
    let mut store = ctx.store()?;
    let tx = store.write()?;
    let outcomes = orders::apply(&tx, &patches, parsed.format.source(), Utc::now())?;
    for (order, outcome) in parsed.orders.iter().zip(outcomes) {
        match outcome {
            PatchOutcome::New => report.new += 1,
            PatchOutcome::Updated(_) => report.updated += 1,
            PatchOutcome::Unchanged => report.unchanged += 1,
            PatchOutcome::Rejected(e) => report.rejected.push(RejectedJson {
                line: order.line,
                reason: e.to_string(),
            }),
        }
    }
    if dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    report.rejected.sort_by_key(|r| r.line);
    if json {
        write_json(std::io::stdout().lock(), &report)?;
    } else {
        for r in &report.rejected {
            eprintln!("{name}:{}: {}", r.line, sanitize_line(&r.reason));
        }
        eprintln!(
            "{}{}: {} new, {} updated, {} unchanged, {} rejected{}",
            parsed.format,
            if dry_run { " (dry run)" } else { "" },
            report.new,
            report.updated,
            report.unchanged,
            report.rejected.len(),
            if dry_run { "; nothing was changed" } else { "" },
        );
    }
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn show(ctx: &Context, number: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = ctx.store()?;
    let Some(order) = orders::by_number(store.conn(), number)? else {
        anyhow::bail!(UsageError(format!("no order {number}")));
    };
    if json {
        write_json(std::io::stdout().lock(), &OrderJson::from(&order))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = terminal();
    let line = |label: &str, value: Option<String>| {
        value.map(|v| format!("{label:<10} {}", sanitize_line(&v)))
    };
    let lines = [
        Some(format!(
            "Order #{}  {}",
            sanitize_line(&order.number),
            order.status
        )),
        line(
            "customer",
            Some(match &order.customer_name {
                Some(n) => format!("{n} <{}>", order.email),
                None => order.email.clone(),
            }),
        ),
        line(
            "placed",
            Some(order.created_at.format("%Y-%m-%d %H:%M UTC").to_string()),
        ),
        line(
            "total",
            order.total_cents.map(|c| {
                format!("{} {}", money(c), order.currency.as_deref().unwrap_or(""))
                    .trim()
                    .to_string()
            }),
        ),
        line(
            "items",
            (!order.items.is_empty()).then(|| items_text(&order.items)),
        ),
        line(
            "tracking",
            order
                .tracking_number
                .as_ref()
                .map(|t| match &order.carrier {
                    Some(c) => format!("{c} {t}"),
                    None => t.clone(),
                }),
        ),
        line("link", order.tracking_url.clone()),
        line(
            "shipped",
            order.shipped_at.map(|t| t.format("%Y-%m-%d").to_string()),
        ),
        line(
            "delivered",
            order.delivered_at.map(|t| t.format("%Y-%m-%d").to_string()),
        ),
    ];
    for l in lines.into_iter().flatten() {
        writeln!(out, "{l}")?;
    }
    Ok(ExitCode::SUCCESS)
}
