//! The report screen: snapshots at 80×24 and 160×45 on fixed figures, its keys typed
//! through the shipped keymap into `update`, as the console does, and the real binary in
//! tmux counting a sample shop's tickets.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;
use support::screen::render;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shopdesk::app::fixtures::{empty_report, loaded_app, report, report_app};
use shopdesk::app::{App, Context, Effect, Event, Mode, ReportPeriod, update};
use shopdesk::domain::report::Dimension;
use shopdesk::ui::keymap::{Key, Keymap, Lookup};

#[test]
fn report_at_80x24() {
    let app = report_app(80, 24, report(ReportPeriod::Days30, Dimension::Tag));
    let screen = render(&app);
    for part in [
        "30d",
        "Tickets: ━ created · ━ solved",
        "First reply",
        "SLA met",
        "By tag",
        "wismo",
        "CSAT",
        "82% (50)",
        "+45 (20)",
    ] {
        assert!(screen.contains(part), "{part} missing:\n{screen}");
    }
    insta::assert_snapshot!("report_80x24", screen);
}

#[test]
fn report_at_160x45() {
    let app = report_app(160, 45, report(ReportPeriod::Days30, Dimension::Agent));
    let screen = render(&app);
    for part in [
        "30 days",
        "2026-10-26 – 2026-11-24",
        "Satisfaction",
        "41 good · 6 okay · 3 bad",
        "messages",
        "carol",
    ] {
        assert!(screen.contains(part), "{part} missing:\n{screen}");
    }
    insta::assert_snapshot!("report_160x45", screen);
}

#[test]
fn a_year_by_month_at_160x45() {
    let app = report_app(160, 45, report(ReportPeriod::Months12, Dimension::Month));
    insta::assert_snapshot!("report_year_160x45", render(&app));
}

#[test]
fn a_quiet_week_says_so() {
    for (w, h) in [(80, 24), (160, 45)] {
        let app = report_app(w, h, empty_report(ReportPeriod::Days7, Dimension::Tag));
        let screen = render(&app);
        assert!(screen.contains("no votes yet"), "{screen}");
        assert!(screen.contains("Nothing in this period."), "{screen}");
        assert!(screen.contains("no clocks stopped"), "{screen}");
        insta::assert_snapshot!(format!("report_empty_{w}x{h}"), screen);
    }
}

/// A key typed in the console: through the keymap of the app's context to an action.
fn press(app: &mut App, keymap: &Keymap, code: KeyCode) -> Vec<Effect> {
    let key = Key::from_event(&KeyEvent::new(code, KeyModifiers::NONE));
    match keymap.lookup(app.context(), &[key]) {
        Lookup::Action(a) => update(app, Event::Action(a)),
        other => panic!("{code:?} in {}: {other:?}", app.context()),
    }
}

#[test]
fn keys_open_the_report_change_it_and_close_it() {
    let keymap = Keymap::load(None).unwrap();
    let mut app = loaded_app(80, 24);
    let load = |period, dimension| vec![Effect::LoadReport { period, dimension }];
    assert_eq!(
        press(&mut app, &keymap, KeyCode::Char('R')),
        load(ReportPeriod::Days30, Dimension::Tag)
    );
    assert_eq!(app.context(), Context::Report);
    // (key, the load it asks for)
    let cases = [
        (KeyCode::Char('l'), ReportPeriod::Days90, Dimension::Tag),
        (KeyCode::Right, ReportPeriod::Months12, Dimension::Tag),
        (KeyCode::Char('h'), ReportPeriod::Days90, Dimension::Tag),
        (KeyCode::Left, ReportPeriod::Days30, Dimension::Tag),
        (KeyCode::Tab, ReportPeriod::Days30, Dimension::Language),
        (KeyCode::Char('j'), ReportPeriod::Days30, Dimension::Account),
        (
            KeyCode::Char('k'),
            ReportPeriod::Days30,
            Dimension::Language,
        ),
        (KeyCode::Up, ReportPeriod::Days30, Dimension::Tag),
        (KeyCode::Char('r'), ReportPeriod::Days30, Dimension::Tag),
    ];
    for (code, period, dimension) in cases {
        assert_eq!(
            press(&mut app, &keymap, code),
            load(period, dimension),
            "{code:?}"
        );
    }
    update(
        &mut app,
        Event::ReportLoaded(Box::new(report(ReportPeriod::Days30, Dimension::Tag))),
    );
    assert!(render(&app).contains("By tag"));
    // q closes the report rather than the console
    press(&mut app, &keymap, KeyCode::Char('q'));
    assert_eq!((app.mode.clone(), app.quit), (Mode::Normal, false));
    assert!(render(&app).contains("Tickets 1/6"));
    press(&mut app, &keymap, KeyCode::Char('R'));
    press(&mut app, &keymap, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

/// The demo shop in the real console: `R` opens the report on figures counted from the
/// store on the loader thread, `l` moves to 90 days, `Tab` groups by language, `q` returns.
#[test]
fn the_console_counts_the_demo_shop() {
    let tmp = tempfile::tempdir().unwrap();
    let cmd = format!(
        "env XDG_CONFIG_HOME={dir}/xdg XDG_STATE_HOME={dir}/state TERM=xterm-256color {bin} demo --tickets 120; sleep 30",
        dir = tmp.path().display(),
        bin = support::shopdesk_bin().display(),
    );
    let tmux =
        support::tmux::Tmux::start(&format!("sdreport{}", std::process::id()), &cmd, 100, 30);
    let limit = Duration::from_secs(30);
    let screen = tmux.wait_for("Tickets 1/", limit);
    assert!(screen.contains("Tickets 1/"), "{screen}");
    tmux.keys(&["R"]);
    let screen = tmux.wait_for("open at the end", limit);
    assert!(screen.contains("· Report"), "{screen}");
    // the sample shop's tickets of the last 30 days, counted
    let created: u64 = screen
        .split("tickets    ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!((50..=120).contains(&created), "{screen}");
    assert!(screen.contains("By tag · created"), "{screen}");
    tmux.keys(&["l", "Tab"]);
    let screen = tmux.wait_for("By language", limit);
    assert!(
        screen.contains("By language") && screen.contains("90 days ·"),
        "{screen}"
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("Tickets 1/", limit);
    assert!(!screen.contains("· Report"), "{screen}");
}
