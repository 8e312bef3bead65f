//! The status bar's service-level counter, drawn from plain data with a fixed clock.

#![allow(clippy::unwrap_used)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shopdesk::app::fixtures::loaded_app;
use shopdesk::app::{App, Event, SlaCounts, update};
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
