//! The console's threading corrections, through the same update path as keys: the
//! "why here" line toggled under each message, picking a message, and the palette's and
//! keys' merge, split, move and undo; snapshots of the thread with both shown.

#![allow(clippy::unwrap_used)]

mod support;

use shopdesk::app::fixtures::{loaded_app, with_ticket};
use shopdesk::app::{Action, App, Effect, Event, Mode, update};
use shopdesk::domain::PlacedBy;
use shopdesk::domain::threading::{Matched, Placed};
use shopdesk::ui::keymap::{Keymap, Lookup, parse_key};
use support::screen::render;

fn act(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|a| update(app, Event::Action(*a)))
        .collect()
}

fn palette(app: &mut App, text: &str) -> Vec<Effect> {
    let mut fx = act(app, &[Action::Palette]);
    for c in text.chars() {
        fx.extend(update(app, Event::Char(c)));
    }
    fx.extend(act(app, &[Action::Open]));
    fx
}

/// The fixture's ticket #101, opened, with what threading recorded for its two messages.
fn opened(w: u16, h: u16) -> App {
    let mut app = with_ticket(loaded_app(w, h));
    act(&mut app, &[Action::Open]);
    let t = app.ticket.as_mut().unwrap();
    t.messages[0].placed = Placed {
        by: PlacedBy::Token,
        matched: Some(Matched::Token {
            token: "[SHOP #98]".into(),
            number: 98,
        }),
        warnings: vec!["subject token [SHOP #98] from anna@example.com, who has not written on this ticket before".into()],
    };
    t.messages[0].warnings = t.messages[0].placed.warnings.clone();
    t.messages[1].placed = Placed {
        by: PlacedBy::References,
        matched: Some(Matched::Answers {
            message_id: "a1@example.com".into(),
            message: Some(1),
        }),
        warnings: Vec::new(),
    }
    .moved("bob", 97);
    app
}

#[test]
fn the_why_line_toggles_and_a_picked_message_shows_its_number() {
    for (w, h) in [(100, 30), (80, 24)] {
        let mut app = opened(w, h);
        let plain = render(&app);
        assert!(!plain.contains("why here"), "{plain}");
        act(&mut app, &[Action::TogglePlacement, Action::NextMessage]);
        assert!(app.show_placement);
        assert_eq!(app.message_cursor, Some(0));
        let screen = render(&app);
        assert!(
            screen.contains("why here: our token [SHOP #98]"),
            "{screen}"
        );
        assert!(screen.contains("message 1"), "{screen}");
        insta::assert_snapshot!(format!("thread_why_{w}x{h}"), screen);
        act(&mut app, &[Action::TogglePlacement]);
        assert!(!render(&app).contains("why here"));
    }
    let mut app = opened(120, 40);
    act(&mut app, &[Action::TogglePlacement, Action::PrevMessage]);
    assert_eq!(app.message_cursor, Some(1), "[ from nothing picks the last");
    let screen = render(&app);
    // the thread pane is narrow beside the list at 120 columns: the line may wrap
    assert!(screen.contains("why here: moved here from #97"), "{screen}");
}

#[test]
fn palette_commands_ask_for_corrections() {
    let mut app = opened(100, 30);
    assert_eq!(
        palette(&mut app, "merge 12"),
        [Effect::Merge {
            from: 101,
            into: 12
        }]
    );
    assert_eq!(palette(&mut app, "undo"), [Effect::UndoCorrection]);
    assert_eq!(
        palette(&mut app, "move 2 new"),
        [Effect::MoveMessage {
            message: 2,
            to: None
        }]
    );
    assert_eq!(
        palette(&mut app, "split 2"),
        [Effect::Split {
            ticket: 101,
            message: 2
        }]
    );
    // without a message number: the one picked with ] and [
    assert!(palette(&mut app, "split").is_empty());
    let (said, error) = app.status.clone().unwrap();
    assert!(error && said.contains("pick a message first"), "{said}");
    act(&mut app, &[Action::NextMessage, Action::NextMessage]);
    assert_eq!(
        palette(&mut app, "split"),
        [Effect::Split {
            ticket: 101,
            message: 2
        }]
    );
    assert_eq!(
        palette(&mut app, "move #7"),
        [Effect::MoveMessage {
            message: 2,
            to: Some(7)
        }]
    );
    assert!(palette(&mut app, "merge nowhere").is_empty());
    assert_eq!(
        app.status.clone().unwrap(),
        ("merge into which ticket? e.g. :merge 12".to_string(), true)
    );
}

#[test]
fn keys_in_the_thread_reach_the_same_corrections() {
    let keymap = Keymap::load(None).unwrap();
    let mut app = opened(100, 30);
    let press = |app: &mut App, key: &str| -> Vec<Effect> {
        let ctx = app.context();
        match keymap.lookup(ctx, &[parse_key(key).unwrap()]) {
            Lookup::Action(a) => update(app, Event::Action(a)),
            other => panic!("{key} in {ctx:?}: {other:?}"),
        }
    };
    press(&mut app, "w");
    assert!(app.show_placement);
    assert!(press(&mut app, "X").is_empty(), "nothing picked yet");
    press(&mut app, "]");
    press(&mut app, "]");
    press(&mut app, "]");
    assert_eq!(app.message_cursor, Some(1), "stops at the last message");
    assert_eq!(
        press(&mut app, "X"),
        [Effect::Split {
            ticket: 101,
            message: 2
        }]
    );
    assert_eq!(press(&mut app, "U"), [Effect::UndoCorrection]);
    press(&mut app, "M");
    assert_eq!(
        app.mode,
        Mode::Palette {
            input: "merge ".into()
        }
    );
    for c in "55".chars() {
        update(&mut app, Event::Char(c));
    }
    assert_eq!(
        act(&mut app, &[Action::Open]),
        [Effect::Merge {
            from: 101,
            into: 55
        }]
    );
    press(&mut app, "m");
    assert_eq!(
        app.mode,
        Mode::Palette {
            input: "move ".into()
        }
    );
    // a reloaded thread keeps the pick within its messages; another ticket drops it
    let mut shorter = app.ticket.clone().unwrap();
    shorter.messages.truncate(1);
    update(
        &mut app,
        Event::TicketLoaded(Box::new(shorter.clone()), None),
    );
    assert_eq!(app.message_cursor, Some(0));
    shorter.ticket.id = 102;
    update(&mut app, Event::TicketLoaded(Box::new(shorter), None));
    assert_eq!(app.message_cursor, None);
}
