//! The report screen's keys: open, period, dimension, reload, close.

use super::fixtures::{loaded_app, report};
use super::*;
use crate::domain::report::Dimension;

fn act(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|a| update(app, Event::Action(*a)))
        .collect()
}

fn load(period: ReportPeriod, dimension: Dimension) -> Vec<Effect> {
    vec![Effect::LoadReport { period, dimension }]
}

#[test]
fn the_report_opens_loads_and_closes_back_to_the_list() {
    let mut app = loaded_app(100, 30);
    let fx = act(&mut app, &[Action::Report]);
    assert_eq!(app.mode, Mode::Report);
    assert_eq!(app.context(), Context::Report);
    assert_eq!(fx, load(ReportPeriod::Days30, Dimension::Tag));
    assert!(app.report.loading);
    update(
        &mut app,
        Event::ReportLoaded(Box::new(report(ReportPeriod::Days30, Dimension::Tag))),
    );
    assert!(!app.report.loading);
    assert!(app.report.data.is_some());
    assert!(act(&mut app, &[Action::Back]).is_empty());
    assert_eq!((app.mode.clone(), app.focus), (Mode::Normal, Pane::List));
    // The figures and choices stay; opening again asks for fresh ones.
    let fx = act(&mut app, &[Action::Report]);
    assert_eq!(fx, load(ReportPeriod::Days30, Dimension::Tag));
    assert!(app.report.data.is_some());
}

#[test]
fn periods_step_and_stop_at_either_end() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Report]);
    // (action, the load it asks for, if any)
    let cases = [
        (Action::NextPeriod, Some(ReportPeriod::Days90)),
        (Action::NextPeriod, Some(ReportPeriod::Months12)),
        (Action::NextPeriod, None),
        (Action::PrevPeriod, Some(ReportPeriod::Days90)),
        (Action::PrevPeriod, Some(ReportPeriod::Days30)),
        (Action::PrevPeriod, Some(ReportPeriod::Days7)),
        (Action::PrevPeriod, None),
    ];
    for (a, want) in cases {
        let fx = act(&mut app, &[a]);
        assert_eq!(
            fx,
            want.map(|p| load(p, Dimension::Tag)).unwrap_or_default(),
            "{a:?}"
        );
    }
    assert_eq!(app.report.period, ReportPeriod::Days7);
}

#[test]
fn dimensions_go_round() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Report]);
    let cases = [
        (Action::NextDimension, Dimension::Language),
        (Action::NextDimension, Dimension::Account),
        (Action::NextDimension, Dimension::Day),
        (Action::PrevDimension, Dimension::Account),
        (Action::PrevDimension, Dimension::Language),
        (Action::PrevDimension, Dimension::Tag),
        (Action::PrevDimension, Dimension::Agent),
    ];
    for (a, want) in cases {
        let fx = act(&mut app, &[a]);
        assert_eq!(fx, load(ReportPeriod::Days30, want), "{a:?}");
        assert_eq!(app.report.dimension, want);
    }
}

#[test]
fn figures_for_an_earlier_choice_are_not_shown() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Report, Action::NextPeriod]);
    update(
        &mut app,
        Event::ReportLoaded(Box::new(report(ReportPeriod::Days30, Dimension::Tag))),
    );
    assert_eq!(app.report.data, None);
    assert!(app.report.loading);
    let fresh = report(ReportPeriod::Days90, Dimension::Tag);
    update(&mut app, Event::ReportLoaded(Box::new(fresh.clone())));
    assert_eq!(app.report.data, Some(fresh));
    assert!(!app.report.loading);
}

#[test]
fn the_palette_opens_it_and_other_keys_do_nothing_there() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Palette]);
    for c in "report".chars() {
        update(&mut app, Event::Char(c));
    }
    let fx = act(&mut app, &[Action::Open]);
    assert_eq!(app.mode, Mode::Report);
    assert_eq!(fx, load(ReportPeriod::Days30, Dimension::Tag));
    // list and ticket keys are not the report's
    for a in [
        Action::Down,
        Action::Reply,
        Action::StatusSolved,
        Action::Palette,
    ] {
        assert!(act(&mut app, &[a]).is_empty(), "{a:?}");
        assert_eq!(app.mode, Mode::Report, "{a:?}");
    }
    assert_eq!(app.list.selected, 0);
}

#[test]
fn figures_reload_on_refresh_and_when_the_data_changes_while_open() {
    let mut app = loaded_app(100, 30);
    let reloads = |fx: &[Effect]| {
        fx.iter()
            .filter(|e| matches!(e, Effect::LoadReport { .. }))
            .count()
    };
    assert_eq!(reloads(&update(&mut app, Event::DataChanged)), 0);
    act(&mut app, &[Action::Report]);
    assert_eq!(reloads(&act(&mut app, &[Action::Refresh])), 1);
    assert_eq!(reloads(&update(&mut app, Event::DataChanged)), 1);
    act(&mut app, &[Action::Back]);
    assert_eq!(reloads(&update(&mut app, Event::DataChanged)), 0);
}

/// Figures that cannot be counted say why in the status bar, and the screen stops waiting.
#[test]
fn a_failed_count_stops_the_wait() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Report]);
    assert!(app.report.loading);
    update(
        &mut app,
        Event::ReportFailed("report: database is locked".into()),
    );
    assert!(!app.report.loading);
    assert_eq!(app.mode, Mode::Report);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|(s, err)| *err && s.contains("database is locked"))
    );
}

/// Another failure while the figures are being counted (a tag that could not be saved)
/// says so, and the screen still waits for its figures.
#[test]
fn an_unrelated_error_leaves_the_count_running() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Report]);
    update(&mut app, Event::Error("tag: database is locked".into()));
    assert!(app.report.loading);
}
