//! Search latency on a filled database: words, phrases, folded and CJK text, senders and
//! filters, p50 and p95 over repeated runs, each through the same plan → SQL path as
//! `list` and `search`; beside it the p50 of the full plan alone (without the shortcut a
//! message search tries first), which answers the same. A message search is measured in
//! both of its orders: best match first (the default) and newest first (`--sort newest`).
//!
//! `SHOPDESK_BENCH_DB=path cargo bench --bench search` (scripts/bench-sync.sh fills one).

use std::time::Instant;

use shopdesk::domain::query::parse_query;
use shopdesk::store::Store;
use shopdesk::store::query_sql::{MessageOrder, QueryContext, message_search_in, ticket_query};
use shopdesk::store::search::{run_full_ids, run_ids};

const RUNS: usize = 41;

fn main() {
    let Some(path) = std::env::var_os("SHOPDESK_BENCH_DB") else {
        eprintln!(
            "search bench: set SHOPDESK_BENCH_DB to a database filled by scripts/bench-sync.sh"
        );
        return;
    };
    let store = match Store::open(std::path::Path::new(&path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("search bench: {e}");
            std::process::exit(1);
        }
    };
    let messages: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap_or(0);
    let ctx = QueryContext {
        agent: "alice".into(),
        now: chrono::Utc::now().timestamp(),
    };
    // One address the mailbox holds (scripts/bench-sync.sh passes the one it compares).
    let sender = format!(
        "from:{}",
        std::env::var("SHOPDESK_BENCH_SENDER").unwrap_or_else(|_| "c1@example.com".into())
    );
    let cases: &[(&str, &str, bool)] = &[
        ("word (search)", "refund", false),
        ("phrase (search)", "\"where is my order\"", false),
        ("Turkish without diacritics (search)", "siparisim", false),
        ("Chinese (search)", "退货", false),
        ("sender: a name (search)", "from:anna", false),
        ("sender: a domain (search)", "from:gmail.example.com", false),
        ("sender: one address (search)", &sender, false),
        (
            "filters + word (list)",
            "status:open from:@example.com delivery",
            true,
        ),
        ("tag + date (list)", "after:30d -status:solved", true),
    ];
    println!("{messages} messages");
    println!(
        "| kind | query | hits | best: full plan p50 ms | best p50 ms | best p95 ms \
         | newest: full plan p50 ms | newest p50 ms | newest p95 ms |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, q, list) in cases {
        let query = match parse_query(q) {
            Ok(q) => q,
            Err(e) => {
                eprintln!("{q}: {e}");
                continue;
            }
        };
        let mut row = format!("| {name} | `{q}` |");
        for order in [MessageOrder::Best, MessageOrder::Newest] {
            let plan = match (list, order) {
                (true, MessageOrder::Best) => ticket_query(&query, &ctx, 50, 0),
                // a ticket list has one order
                (true, MessageOrder::Newest) => {
                    row.push_str(" | | |");
                    continue;
                }
                (false, order) => message_search_in(&query, &ctx, 50, order),
            };
            let full = p50(&mut timed(|| run_full_ids(store.conn(), &plan).map(|v| v.len())).0);
            let (mut times, hits) = timed(|| run_ids(store.conn(), &plan).map(|v| v.len()));
            let median = p50(&mut times);
            if order == MessageOrder::Best {
                row.push_str(&format!(" {hits} |"));
            }
            row.push_str(&format!(
                " {full:.2} | {median:.2} | {:.2} |",
                times[RUNS * 95 / 100]
            ));
        }
        println!("{row}");
    }
}

/// `RUNS` timings (ms) of `run`, and the number of ids it found.
fn timed<E>(run: impl Fn() -> Result<usize, E>) -> (Vec<f64>, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut hits = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        hits = run().unwrap_or(0);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    (times, hits)
}

/// Sorts the timings and returns their median.
fn p50(times: &mut [f64]) -> f64 {
    times.sort_by(|a, b| a.total_cmp(b));
    times[RUNS / 2]
}
