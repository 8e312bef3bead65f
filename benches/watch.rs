//! One beat of `sync --watch` with nothing changed, on a 100,000-ticket demo shop: the
//! service-level alerts (`raise_alerts`, with an `alert_cmd` set) and the delayed surveys
//! (`survey::queue_due`, `[survey] when = "24h"`). The first beat raises and queues what
//! there is; the beats timed after it find nothing new, as a quiet shop's do. Then beats
//! that each follow one change to one ticket (a tag), after which the alerts' stored
//! stages are brought up to date for that ticket. p50 and p95.
//!
//! `cargo bench --bench watch` (SHOPDESK_BENCH_TICKETS to change the size). It works on a
//! copy of the report bench's shop (`target/bench-report`, generated there first if
//! missing), so the alerts and surveys it settles stay out of that one.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use shopdesk::domain::vote::survey::SurveyWhen;
use shopdesk::store::Store;
use shopdesk::store::alerts::{AlertKey, claim};
use shopdesk::store::timeline::Scope;
use shopdesk::templates::Templates;
use shopdesk::worker::service_levels::{alerts, assess_tickets, raise_alerts};

const RUNS: usize = 41;
const MOVED_RUNS: usize = 9;

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("watch bench: {what}: {e}");
    std::process::exit(1);
}

fn main() {
    let tickets: usize = std::env::var("SHOPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-report");
    let _ = std::fs::create_dir_all(&dir);
    let shop = dir.join(format!("demo-{tickets}.db"));
    let db = dir.join(format!("watch-{tickets}.db"));
    let mut config = shopdesk::demo::config("you");
    // the report bench's moment: the demo shop's tickets span the 14 days before it
    let now_s = 1_795_521_600;
    if !shop.exists() {
        let t = Instant::now();
        if let Err(e) = shopdesk::demo::generate(&shop, &config, tickets, now_s) {
            fail("generate", e);
        }
        println!(
            "generated {tickets} tickets in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    if !db.exists()
        && let Err(e) = Store::open(&shop)
            .and_then(|s| Ok(s.conn().execute("VACUUM INTO ?1", [db.to_string_lossy()])?))
    {
        fail("copy", e);
    }
    config.sla.alert_cmd = Some("cat > /dev/null".into());
    config.survey.enabled = true;
    config.survey.when = SurveyWhen::After(Duration::hours(24));
    let templates = Templates::shipped("en").unwrap_or_else(|e| fail("templates", e));
    let store = Store::open(&db).unwrap_or_else(|e| fail("open", e));
    let c = store.conn();
    let now = DateTime::<Utc>::from_timestamp(now_s, 0).unwrap_or_default();

    // The first beat, settled without a process per alert: every clock at a stage is
    // claimed as raised (what the assessment of every active ticket finds), and the
    // surveys due are queued.
    let t = Instant::now();
    let (levels, assessed) =
        assess_tickets(c, &config, Scope::Active, now).unwrap_or_else(|e| fail("assess", e));
    let mut claimed = 0;
    for a in alerts(&levels, &assessed) {
        let key = AlertKey {
            ticket: a.ticket_id,
            target: a.target,
            started_at: a.started_at,
            stage: a.stage,
        };
        if claim(c, key, now_s).unwrap_or_else(|e| fail("claim", e)) {
            claimed += 1;
        }
    }
    let surveys = shopdesk::mailout::survey::queue_due(c, &config, &templates, now)
        .unwrap_or_else(|e| fail("surveys", e));
    println!(
        "first beat: {claimed} alert(s) claimed, {surveys} survey(s) queued in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let mut alert_ms = Vec::new();
    let mut beat_ms = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let raised = raise_alerts(c, &config, now).unwrap_or_else(|e| fail("alerts", e));
        alert_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let queued = shopdesk::mailout::survey::queue_due(c, &config, &templates, now)
            .unwrap_or_else(|e| fail("surveys", e));
        beat_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        // the first timed beat may build the stored stages, and raises nothing either:
        // what it reads agrees with the assessment the first beat claimed from
        if raised + queued > 0 {
            fail(
                "a quiet beat",
                format!("raised {raised} alert(s), queued {queued} survey(s)"),
            );
        }
    }
    // A beat after something moved: one tag set on one ticket, as any event does to what
    // the alerts read (that ticket's stored stages are assessed again).
    let mut moved_ms = Vec::new();
    for i in 0..MOVED_RUNS {
        let (add, remove) = if i % 2 == 0 {
            (vec!["bench".to_string()], Vec::new())
        } else {
            (Vec::new(), vec!["bench".to_string()])
        };
        let tagged = shopdesk::store::ticket_ops::tag(
            c,
            1,
            &add,
            &remove,
            "you",
            shopdesk::domain::EventSource::Cli,
        );
        tagged.unwrap_or_else(|e| fail("tag", e));
        let t = Instant::now();
        raise_alerts(c, &config, now).unwrap_or_else(|e| fail("alerts", e));
        shopdesk::mailout::survey::queue_due(c, &config, &templates, now)
            .unwrap_or_else(|e| fail("surveys", e));
        moved_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let pct = |v: &mut Vec<f64>, p: usize| {
        v.sort_by(f64::total_cmp);
        v[(v.len() * p / 100).min(v.len() - 1)]
    };
    // the first timed beat is left out of the figures when it built the stages
    let first = alert_ms[0];
    println!("first timed beat: alerts {first:.1} ms");
    alert_ms.remove(0);
    beat_ms.remove(0);
    println!("| step (cumulative) | p50 ms | p95 ms |");
    println!("|---|---:|---:|");
    println!(
        "| alerts (`raise_alerts`) | {:.2} | {:.2} |",
        pct(&mut alert_ms, 50),
        pct(&mut alert_ms, 95)
    );
    println!(
        "| + delayed surveys (`survey::queue_due`) | {:.2} | {:.2} |",
        pct(&mut beat_ms, 50),
        pct(&mut beat_ms, 95)
    );
    println!(
        "| a beat after one event elsewhere (alerts and surveys) | {:.2} | {:.2} |",
        pct(&mut moved_ms, 50),
        pct(&mut moved_ms, 95)
    );
}
