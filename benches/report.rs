//! A 30-day report over a 100,000-ticket demo shop: the store's reads (tickets, tags,
//! messages, status events), every ticket's clocks under a catch-all policy, repeat
//! contacts, and the KPIs in total and by day — the work `shopdesk report --by day` does
//! before it prints. p50 and p95 over repeated runs.
//!
//! `cargo bench --bench report` (SHOPDESK_BENCH_TICKETS to change the size; the shop is
//! generated once under target/).

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use shopdesk::domain::kpi::{Period, Window, kpis, kpis_by_period};
use shopdesk::domain::sla::levels::{Level, assess};
use shopdesk::domain::sla::{BusinessCalendar, Policy, PolicyMatch, Targets};
use shopdesk::store::Store;
use shopdesk::store::query_sql::QueryContext;
use shopdesk::store::timeline::{Scope, query_matches, records};

const RUNS: usize = 15;

fn main() {
    let tickets: usize = std::env::var("SHOPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-report");
    let _ = std::fs::create_dir_all(&dir);
    let db = dir.join(format!("demo-{tickets}.db"));
    let config = shopdesk::demo::config("you");
    let now_s = 1_795_521_600;
    if !db.exists() {
        let t = Instant::now();
        if let Err(e) = shopdesk::demo::generate(&db, &config, tickets, now_s) {
            eprintln!("generate: {e}");
            std::process::exit(1);
        }
        println!(
            "generated {tickets} tickets in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let store = match Store::open(&db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("report bench: {e}");
            std::process::exit(1);
        }
    };
    let now = DateTime::<Utc>::from_timestamp(now_s, 0).unwrap_or_default();
    let shop = BusinessCalendar::from(&config.sla.hours);
    let levels = vec![Level {
        policy: Policy {
            name: "standard".into(),
            when: PolicyMatch::default(),
            targets: Targets {
                first_reply: Some(Duration::hours(4)),
                next_reply: Some(Duration::hours(8)),
                resolution: Some(Duration::hours(48)),
            },
            calendar: None,
            approaching: None,
        },
        calendar: shop.clone(),
        approaching: config.sla.approaching,
    }];
    let w = Window {
        since: now - Duration::days(30),
        until: now,
    };
    let ctx = QueryContext {
        agent: "you".into(),
        now: now_s,
    };
    let mut times = Vec::new();
    let mut total_times = Vec::new();
    let mut read_times = Vec::new();
    let mut assess_times = Vec::new();
    let mut summary = String::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let run = || -> Result<_, shopdesk::store::StoreError> {
            let matches = query_matches(store.conn(), &levels, &ctx)?;
            let scope = Scope::Window {
                since: (w.since - config.sla.repeat_window).timestamp(),
                until: w.until.timestamp(),
            };
            let recs = records(store.conn(), scope)?;
            Ok((matches, recs))
        };
        let (matches, recs) = match run() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("report bench: {e}");
                std::process::exit(1);
            }
        };
        read_times.push(t.elapsed().as_secs_f64() * 1000.0);
        let n = recs.len();
        let assessed = assess(
            recs,
            &levels,
            &shop,
            now,
            (config.sla.repeat_window, config.sla.repeat_scope),
            |i, id| {
                matches
                    .get(i)
                    .and_then(Option::as_ref)
                    .is_none_or(|s| s.contains(&id))
            },
        );
        assess_times.push(t.elapsed().as_secs_f64() * 1000.0);
        let facts: Vec<_> = assessed.into_iter().map(|a| a.facts).collect();
        let total = kpis(&facts, w);
        total_times.push(t.elapsed().as_secs_f64() * 1000.0);
        let days = kpis_by_period(&facts, w, Period::Day, &shop.zone);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        summary = format!(
            "{n} tickets read; {} created, {} solved, first reply median {:?} s, {} days",
            total.tickets_created,
            total.tickets_solved,
            total.first_reply.median_s,
            days.len()
        );
    }
    let pct = |v: &mut Vec<f64>, p: usize| {
        v.sort_by(f64::total_cmp);
        v[(v.len() * p / 100).min(v.len() - 1)]
    };
    println!("{summary}");
    println!("| step | p50 ms | p95 ms |");
    println!("|---|---:|---:|");
    println!(
        "| store reads | {:.0} | {:.0} |",
        pct(&mut read_times, 50),
        pct(&mut read_times, 95)
    );
    println!(
        "| + clocks and facts of every ticket | {:.0} | {:.0} |",
        pct(&mut assess_times, 50),
        pct(&mut assess_times, 95)
    );
    println!(
        "| + KPIs of the window: the 30-day report | {:.0} | {:.0} |",
        pct(&mut total_times, 50),
        pct(&mut total_times, 95)
    );
    println!(
        "| + the same by day (`--by day`) | {:.0} | {:.0} |",
        pct(&mut times, 50),
        pct(&mut times, 95)
    );
}
