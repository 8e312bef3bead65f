//! The status bar's service-level counter and the open ticket's vote, drawn from plain
//! data with a fixed clock, and the real console on a shop with clocks at both stages.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shopdesk::app::fixtures::{loaded_app, with_ticket};
use shopdesk::app::{Action, App, Event, SlaCounts, update};
use shopdesk::ui::keymap::Keymap;
use shopdesk::ui::theme::{ColorMode, Theme};
use shopdesk::ui::view::draw;

fn render(app: &App) -> String {
    let keymap = Keymap::load(None).unwrap();
    let theme = Theme::load("dark", None, ColorMode::TrueColor).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal.draw(|f| draw(f, app, &theme, &keymap)).unwrap();
    format!("{}", terminal.backend())
}

fn with_counts(w: u16, h: u16, breached: &[i64], approaching: usize) -> App {
    let mut app = loaded_app(w, h);
    update(
        &mut app,
        Event::SlaLoaded(SlaCounts {
            breached: breached.iter().copied().collect(),
            approaching,
        }),
    );
    app
}

/// The status bar: the line above the hints.
fn status_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2].to_string()
}

#[test]
fn the_status_bar_counts_breached_and_approaching_tickets() {
    for (w, h) in [(100, 30), (80, 24)] {
        let screen = render(&with_counts(w, h, &[101, 104], 3));
        assert!(
            status_line(&screen).contains("⚠ 2 breached · 3 approaching · "),
            "{screen}"
        );
        insta::assert_snapshot!(format!("sla_counter_{w}x{h}"), screen);
    }
}

#[test]
fn the_counter_says_only_what_there_is() {
    let cases: &[(&[i64], usize, Option<&str>)] = &[
        (&[], 0, None),
        (&[101], 0, Some("⚠ 1 breached · not synced")),
        (&[], 4, Some("⚠ 4 approaching · not synced")),
    ];
    for (breached, approaching, want) in cases {
        let line = status_line(&render(&with_counts(100, 30, breached, *approaching)));
        match want {
            Some(w) => assert!(line.contains(w), "{line}"),
            None => assert!(!line.contains('⚠'), "{line}"),
        }
    }
    // nothing counted yet: no counter
    let line = status_line(&render(&loaded_app(100, 30)));
    assert!(!line.contains('⚠'), "{line}");
}

/// The open ticket's header line carries the customer's vote on it, also where the
/// customer pane is not on screen; a ticket without one says nothing.
#[test]
fn the_thread_header_shows_the_tickets_vote() {
    use shopdesk::domain::vote::{Csat, Score};
    let open = |rating: Option<Score>| {
        let mut app = with_ticket(loaded_app(80, 24));
        update(&mut app, Event::Action(Action::Open));
        if let Some(c) = app.customer.as_mut() {
            c.tickets[0].rating = rating;
        }
        render(&app)
    };
    let header = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("owner"))
            .unwrap_or_default()
            .to_string()
    };
    let screen = open(Some(Score::Nps(9)));
    assert!(header(&screen).contains("· nps 9"), "{screen}");
    assert!(header(&open(Some(Score::Csat(Csat::Bad)))).contains("· csat bad"));
    let none = open(None);
    assert!(
        !header(&none).contains("csat") && !header(&none).contains("nps"),
        "{none}"
    );
    insta::assert_snapshot!("thread_rating_80x24", screen);
}

/// The console on the shop of `sla_shop` (two tickets breached, one approaching): the
/// counter and the "Breaching SLA" queue go by the policies, and follow a solve made by
/// another process.
#[test]
fn the_console_counts_by_the_policies_and_follows_a_solve() {
    let dir = tempfile::tempdir().unwrap();
    let (config, db, ids) = support::sla_shop::shop(dir.path(), chrono::Utc::now());
    let t = console(dir.path(), &config, &db);
    let s = t.wait_for("⚠ 2 breached · 1 approaching", Duration::from_secs(15));
    assert!(s.contains("⚠ 2 breached · 1 approaching"), "{s}");
    let s = wait_for_count(&t, 2);
    assert_eq!(breaching(&s), Some(2), "{s}");
    support::ok(support::shopdesk(&config, &db).args([
        "status",
        &ids["Boots"].to_string(),
        "solved",
    ]));
    let s = t.wait_for("⚠ 1 breached · 1 approaching", Duration::from_secs(15));
    assert!(s.contains("⚠ 1 breached · 1 approaching"), "{s}");
    // the queue is counted again once the stages are rebuilt (a write of its own)
    let s = wait_for_count(&t, 1);
    assert_eq!(breaching(&s), Some(1), "{s}");
    t.keys(&["q"]);
    let s = t.wait_for("EXITED", Duration::from_secs(5));
    assert!(s.contains("EXITED 0"), "{s}");
}

/// The count beside the "Breaching SLA" queue.
fn breaching(screen: &str) -> Option<usize> {
    let line = screen.lines().find(|l| l.contains("Breaching SLA"))?;
    let rest = line.split("Breaching SLA").nth(1)?;
    rest.split('│').next()?.trim().parse().ok()
}

fn wait_for_count(t: &support::tmux::Tmux, want: usize) -> String {
    let start = std::time::Instant::now();
    loop {
        let s = t.screen();
        if breaching(&s) == Some(want) || start.elapsed() > Duration::from_secs(10) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn console(tmp: &Path, config: &Path, db: &Path) -> support::tmux::Tmux {
    let cmd = format!(
        "env XDG_CONFIG_HOME={dir}/xdg XDG_STATE_HOME={dir}/state TERM=xterm-256color {bin} --config {config} --db {db}; echo EXITED $?; sleep 30",
        dir = tmp.display(),
        bin = support::shopdesk_bin().display(),
        config = config.display(),
        db = db.display(),
    );
    let name = format!("sdsla{}", std::process::id());
    support::tmux::Tmux::start(&name, &cmd, 120, 30)
}
