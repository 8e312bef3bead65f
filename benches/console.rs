//! Console latency at 100,000 tickets, headless (ratatui's TestBackend), through the same
//! update → effects → draw path as the terminal: start to first painted queue, keypress
//! to finished frame while scrolling and while filtering, and peak resident memory.
//!
//! `cargo bench --bench console` (SHOPDESK_BENCH_TICKETS to change the size; the generated
//! database is kept in target/ for the next run).

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shopdesk::app::{Action, App, Effect, Event, update};
use shopdesk::console::{Options, Runner};
use shopdesk::store::Store;
use shopdesk::store::query_sql::QueryContext;
use shopdesk::templates::Templates;
use shopdesk::ui::keymap::Keymap;
use shopdesk::ui::theme::{ColorMode, Theme};
use shopdesk::ui::view::draw;

fn settle(app: &mut App, runner: &mut Runner, store: &mut Store, mut fx: Vec<Effect>) {
    while !fx.is_empty() {
        let batch = std::mem::take(&mut fx);
        for e in batch {
            for ev in runner.perform(store, e) {
                fx.extend(update(app, ev));
            }
        }
    }
}

fn pct(v: &mut [Duration], p: usize) -> f64 {
    v.sort();
    v[(v.len() * p / 100).min(v.len() - 1)].as_secs_f64() * 1000.0
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let tickets: usize = std::env::var("SHOPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-console");
    let _ = std::fs::create_dir_all(&dir);
    let db = dir.join(format!("demo-{tickets}.db"));
    let config = shopdesk::demo::config("you");
    let now = 1_795_521_600;
    if !db.exists() {
        let t = Instant::now();
        if let Err(e) = shopdesk::demo::generate(&db, &config, tickets, now) {
            eprintln!("generate: {e}");
            std::process::exit(1);
        }
        println!(
            "generated {tickets} tickets in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let opts = Options {
        db: db.clone(),
        config: config.clone(),
        title: "bench".into(),
        theme: "dark".into(),
        color: ColorMode::TrueColor,
        demo: true,
    };

    // Start to first painted queue: open, load keymap/theme/templates, counts, list, draw.
    let t0 = Instant::now();
    let keymap = Keymap::load(None).expect("keymap");
    let theme = Theme::load("dark", None, ColorMode::TrueColor).expect("theme");
    let templates = Templates::shipped("en").expect("templates");
    let mut store = Store::open(&db).expect("open");
    let mut runner = Runner {
        opts: &opts,
        templates: &templates,
        ctx: QueryContext {
            agent: "you".into(),
            now,
        },
    };
    let mut app = App::new("you", "bench", now);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut fx = update(&mut app, Event::Resize(120, 40));
    fx.extend(app.start());
    // As the console does: the list first, queue counts after the first frame.
    let (counts, fx): (Vec<Effect>, Vec<Effect>) = fx
        .into_iter()
        .partition(|e| matches!(e, Effect::LoadCounts(_)));
    settle(&mut app, &mut runner, &mut store, fx);
    term.draw(|f| draw(f, &app, &theme, &keymap)).expect("draw");
    let first = t0.elapsed();
    let t1 = Instant::now();
    settle(&mut app, &mut runner, &mut store, counts);
    term.draw(|f| draw(f, &app, &theme, &keymap)).expect("draw");
    println!(
        "queue counts painted {:.1} ms later",
        t1.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "{} tickets in the list; first painted queue after {:.1} ms",
        app.list.total,
        first.as_secs_f64() * 1000.0
    );

    let previewed = std::cell::RefCell::new(Vec::new());
    let press = |app: &mut App,
                 ev: Event,
                 runner: &mut Runner,
                 store: &mut Store,
                 term: &mut Terminal<TestBackend>| {
        let t = Instant::now();
        let fx = update(app, ev);
        // As the console does: the highlighted ticket's preview loads on the loader
        // thread, after the frame that moves the selection.
        let (previews, fx): (Vec<Effect>, Vec<Effect>) = fx
            .into_iter()
            .partition(|e| matches!(e, Effect::LoadPreview(_)));
        settle(app, runner, store, fx);
        term.draw(|f| draw(f, app, &theme, &keymap)).expect("draw");
        let frame = t.elapsed();
        if !previews.is_empty() {
            settle(app, runner, store, previews);
            term.draw(|f| draw(f, app, &theme, &keymap)).expect("draw");
            previewed.borrow_mut().push(t.elapsed());
        }
        frame
    };
    let mut scroll = Vec::new();
    for i in 0..600 {
        let a = if i % 50 == 49 {
            Action::PageDown
        } else {
            Action::Down
        };
        scroll.push(press(
            &mut app,
            Event::Action(a),
            &mut runner,
            &mut store,
            &mut term,
        ));
    }
    scroll.push(press(
        &mut app,
        Event::Action(Action::Bottom),
        &mut runner,
        &mut store,
        &mut term,
    ));
    scroll.push(press(
        &mut app,
        Event::Action(Action::Top),
        &mut runner,
        &mut store,
        &mut term,
    ));
    let mut open = Vec::new();
    for _ in 0..20 {
        open.push(press(
            &mut app,
            Event::Action(Action::Open),
            &mut runner,
            &mut store,
            &mut term,
        ));
        open.push(press(
            &mut app,
            Event::Action(Action::Back),
            &mut runner,
            &mut store,
            &mut term,
        ));
        press(
            &mut app,
            Event::Action(Action::Down),
            &mut runner,
            &mut store,
            &mut term,
        );
    }
    let mut filter = Vec::new();
    let mut typing = Vec::new();
    for word in ["siparisim", "tag:wismo", "退货", "-status:solved"] {
        press(
            &mut app,
            Event::Action(Action::Search),
            &mut runner,
            &mut store,
            &mut term,
        );
        let mut typed = String::new();
        for c in word.chars() {
            typed.push(c);
            // As the console does: the typed key is drawn at once, and the list load runs
            // on the loader thread; its result is painted when it arrives.
            let t = Instant::now();
            let fx = update(&mut app, Event::Char(c));
            let (lists, other): (Vec<Effect>, Vec<Effect>) = fx
                .into_iter()
                .partition(|e| matches!(e, Effect::LoadList { .. }));
            settle(&mut app, &mut runner, &mut store, other);
            term.draw(|f| draw(f, &app, &theme, &keymap)).expect("draw");
            let frame = t.elapsed();
            settle(&mut app, &mut runner, &mut store, lists);
            term.draw(|f| draw(f, &app, &theme, &keymap)).expect("draw");
            let results = t.elapsed();
            if std::env::var_os("SHOPDESK_BENCH_VERBOSE").is_some() {
                println!(
                    "  /{typed}: frame {:.2} ms, results {:.1} ms",
                    frame.as_secs_f64() * 1000.0,
                    results.as_secs_f64() * 1000.0
                );
            }
            typing.push(frame);
            filter.push(results);
        }
        press(
            &mut app,
            Event::Action(Action::Back),
            &mut runner,
            &mut store,
            &mut term,
        );
    }
    println!("| step | p50 ms | p95 ms | max ms |");
    println!("|---|---:|---:|---:|");
    for (name, v) in [
        ("scroll (j, page down, G, g g)", &mut scroll),
        (
            "scroll: keypress → preview painted (loads off the UI thread)",
            &mut previewed.borrow_mut(),
        ),
        ("open / close a ticket", &mut open),
        (
            "filter: keypress → frame (list loads off the UI thread)",
            &mut typing,
        ),
        ("filter: keypress → results painted", &mut filter),
    ] {
        let max = v.iter().max().copied().unwrap_or_default().as_secs_f64() * 1000.0;
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} |",
            pct(v, 50),
            pct(v, 95),
            max
        );
    }
    println!("peak resident memory: {:.0} MB", peak_rss_mb());
}
