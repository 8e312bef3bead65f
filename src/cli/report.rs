//! `shopdesk report [--since 30d] [--until DATE] [--by day|week|month|agent|tag|language|
//! account] [--json|--csv]`: the KPIs of `domain::kpi` over a window, in total and per
//! group. The definitions are in README ("Service levels and KPIs").

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;
use serde::Serialize;

use crate::domain::kpi::{Csat, Kpis, Nps, Window};
use crate::domain::report::{Dimension, Figures, parse_when};
use crate::worker::report::{load, zone};

use crate::ui::text::{duration as secs, percent as pct};

use super::json::write_json;
use super::output::terminal;
use super::ticket_json::rfc3339;
use super::{Context, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Start: a span back from now (30d, 12h, 2w) or a date (YYYY-MM-DD, from its start)
    #[arg(long, default_value = "30d", value_name = "WHEN")]
    since: String,
    /// End: a date (YYYY-MM-DD, up to its end) or a span back from now [default: now]
    #[arg(long, value_name = "WHEN")]
    until: Option<String>,
    /// Groups: day, week, month, agent, tag, language or account
    #[arg(long, value_name = "GROUP", value_parser = ["day", "week", "month", "agent", "tag", "language", "account"])]
    by: Option<String>,
    /// Print JSON
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV: one row for the whole window, then one per group
    #[arg(long)]
    csv: bool,
}

/// `Kpis` as JSON, with CSAT and NPS `null` while nobody has voted.
#[derive(Debug)]
struct KpisJson {
    base: Kpis,
    csat: Option<Csat>,
    nps: Option<Nps>,
}

impl Serialize for KpisJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut v = serde_json::to_value(&self.base).map_err(S::Error::custom)?;
        if self.csat.is_none() {
            v["csat"] = serde_json::Value::Null;
        }
        if self.nps.is_none() {
            v["nps"] = serde_json::Value::Null;
        }
        v.serialize(s)
    }
}

impl From<Kpis> for KpisJson {
    fn from(k: Kpis) -> Self {
        let csat = (k.csat.good + k.csat.okay + k.csat.bad > 0).then_some(k.csat);
        let nps = (k.nps.promoters + k.nps.passives + k.nps.detractors > 0).then_some(k.nps);
        KpisJson { base: k, csat, nps }
    }
}

#[derive(Debug, Serialize)]
pub struct Group {
    key: String,
    #[serde(flatten)]
    kpis: KpisJson,
}

/// `report --json`: a contract for scripts.
#[derive(Debug, Serialize)]
pub struct Report {
    since: String,
    until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(flatten)]
    kpis: KpisJson,
    groups: Vec<Group>,
}

/// The whole report of `figures` over `w`, grouped `by`.
fn report(figures: Figures, w: Window, by: Option<Dimension>) -> Report {
    Report {
        since: rfc3339(w.since),
        until: rfc3339(w.until),
        by: by.map(|d| d.as_str().to_string()),
        kpis: figures.total.into(),
        groups: figures
            .groups
            .into_iter()
            .map(|(key, k)| Group {
                key,
                kpis: k.into(),
            })
            .collect(),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    let config = ctx.config_or_default()?;
    let zone = zone(&config);
    let by = match args.by.as_deref() {
        None => None,
        Some(b) => Some(
            b.parse::<Dimension>()
                .map_err(|e| UsageError(format!("--by {e}")))?,
        ),
    };
    let since = parse_when(&args.since, now, &zone, false).ok_or_else(|| {
        UsageError(format!(
            "--since {}: use a span such as 30d or a date YYYY-MM-DD",
            args.since
        ))
    })?;
    let until = match &args.until {
        None => now,
        Some(u) => parse_when(u, now, &zone, true).ok_or_else(|| {
            UsageError(format!(
                "--until {u}: use a date YYYY-MM-DD or a span such as 7d"
            ))
        })?,
    };
    if until <= since {
        return Err(UsageError(format!(
            "the window is empty: --since {} is not before --until {}",
            rfc3339(since),
            rfc3339(until)
        ))
        .into());
    }
    let w = Window { since, until };
    let store = ctx.store()?;
    let report = report(load(store.conn(), &config, w, by, now)?, w, by);
    if args.json {
        write_json(std::io::stdout().lock(), &report)?;
    } else if args.csv {
        write_csv(std::io::stdout().lock(), &report)?;
    } else {
        write_text(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The CSV columns, in order: the JSON's fields with nested names joined by `_`.
pub const CSV_COLUMNS: &[&str] = &[
    "key",
    "since",
    "until",
    "tickets_created",
    "tickets_solved",
    "messages_in",
    "messages_out",
    "first_reply_median_s",
    "first_reply_p90_s",
    "first_reply_business_median_s",
    "first_reply_business_p90_s",
    "resolution_median_s",
    "resolution_p90_s",
    "one_touch_rate",
    "fcr_rate",
    "reopen_rate",
    "repeat_contact_rate",
    "sla_first_reply_met",
    "sla_first_reply_breached",
    "sla_first_reply_rate",
    "sla_next_reply_met",
    "sla_next_reply_breached",
    "sla_next_reply_rate",
    "sla_resolution_met",
    "sla_resolution_breached",
    "sla_resolution_rate",
    "csat_good",
    "csat_okay",
    "csat_bad",
    "csat_score",
    "nps_promoters",
    "nps_passives",
    "nps_detractors",
    "nps_score",
    "backlog",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_row(key: &str, since: &str, until: &str, k: &KpisJson) -> Vec<String> {
    let b = &k.base;
    let mut row = vec![
        key.to_string(),
        since.to_string(),
        until.to_string(),
        b.tickets_created.to_string(),
        b.tickets_solved.to_string(),
        b.messages_in.to_string(),
        b.messages_out.to_string(),
        opt(b.first_reply.median_s),
        opt(b.first_reply.p90_s),
        opt(b.first_reply.business_median_s),
        opt(b.first_reply.business_p90_s),
        opt(b.resolution.median_s),
        opt(b.resolution.p90_s),
        opt(b.one_touch_rate),
        opt(b.fcr_rate),
        opt(b.reopen_rate),
        opt(b.repeat_contact_rate),
    ];
    for a in [&b.sla.first_reply, &b.sla.next_reply, &b.sla.resolution] {
        row.extend([a.met.to_string(), a.breached.to_string(), opt(a.rate)]);
    }
    let c = &b.csat;
    row.extend([
        c.good.to_string(),
        c.okay.to_string(),
        c.bad.to_string(),
        opt(c.score),
    ]);
    let n = &b.nps;
    row.extend([
        n.promoters.to_string(),
        n.passives.to_string(),
        n.detractors.to_string(),
        opt(n.score),
    ]);
    row.push(b.backlog.to_string());
    row
}

fn write_csv(out: impl Write, r: &Report) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    w.write_record(csv_row("total", &r.since, &r.until, &r.kpis))?;
    for g in &r.groups {
        w.write_record(csv_row(&g.key, &r.since, &r.until, &g.kpis))?;
    }
    w.flush()?;
    Ok(())
}

fn write_text(r: &Report) -> anyhow::Result<()> {
    let mut out = terminal();
    let k = &r.kpis.base;
    writeln!(out, "{} – {}", r.since, r.until)?;
    let lines = [
        (
            "tickets created / solved",
            format!("{} / {}", k.tickets_created, k.tickets_solved),
        ),
        (
            "messages in / out",
            format!("{} / {}", k.messages_in, k.messages_out),
        ),
        (
            "first reply median / p90",
            format!(
                "{} / {}",
                secs(k.first_reply.median_s),
                secs(k.first_reply.p90_s)
            ),
        ),
        (
            "  in business time",
            format!(
                "{} / {}",
                secs(k.first_reply.business_median_s),
                secs(k.first_reply.business_p90_s)
            ),
        ),
        (
            "resolution median / p90",
            format!(
                "{} / {}",
                secs(k.resolution.median_s),
                secs(k.resolution.p90_s)
            ),
        ),
        ("one-touch", pct(k.one_touch_rate)),
        ("first-contact resolution", pct(k.fcr_rate)),
        ("reopened", pct(k.reopen_rate)),
        ("repeat contacts", pct(k.repeat_contact_rate)),
        ("SLA first reply", attainment(&k.sla.first_reply)),
        ("SLA next reply", attainment(&k.sla.next_reply)),
        ("SLA resolution", attainment(&k.sla.resolution)),
        (
            "CSAT",
            r.kpis.csat.map_or_else(
                || "no votes".into(),
                |c| {
                    format!(
                        "{} ({} good, {} okay, {} bad)",
                        pct(c.score),
                        c.good,
                        c.okay,
                        c.bad
                    )
                },
            ),
        ),
        (
            "NPS",
            r.kpis.nps.map_or_else(
                || "no votes".into(),
                |n| {
                    format!(
                        "{} ({} promoters, {} passives, {} detractors)",
                        n.score.map_or_else(|| "-".into(), |s| format!("{s:.0}")),
                        n.promoters,
                        n.passives,
                        n.detractors
                    )
                },
            ),
        ),
        ("backlog at the end", k.backlog.to_string()),
    ];
    for (name, value) in lines {
        writeln!(out, "{name:<26} {value}")?;
    }
    if !r.groups.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<20} {:>7} {:>7} {:>9} {:>9} {:>6} {:>7}",
            r.by.as_deref().unwrap_or(""),
            "created",
            "solved",
            "1st reply",
            "resolve",
            "SLA",
            "backlog"
        )?;
        for g in &r.groups {
            let k = &g.kpis.base;
            let sla = &k.sla;
            let met = sla.first_reply.met + sla.next_reply.met + sla.resolution.met;
            let all =
                met + sla.first_reply.breached + sla.next_reply.breached + sla.resolution.breached;
            writeln!(
                out,
                "{:<20} {:>7} {:>7} {:>9} {:>9} {:>6} {:>7}",
                crate::ui::text::fit(&g.key, 20, crate::ui::text::Cut::Ellipsis),
                k.tickets_created,
                k.tickets_solved,
                secs(k.first_reply.median_s),
                secs(k.resolution.median_s),
                pct((all > 0).then(|| met as f64 / all as f64)),
                k.backlog
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn attainment(a: &crate::domain::kpi::Attainment) -> String {
    format!("{} ({} met, {} breached)", pct(a.rate), a.met, a.breached)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_match_the_columns() {
        let k: KpisJson = Kpis::default().into();
        assert_eq!(csv_row("total", "a", "b", &k).len(), CSV_COLUMNS.len());
        assert!(k.csat.is_none() && k.nps.is_none());
    }
}
