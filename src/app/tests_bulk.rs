//! Key-sequence tests for marks and bulk actions: marking, ranges, the whole list, marks
//! across reloads, and the preview that applies only on confirm.

use super::fixtures::{loaded_app, rows};
use super::*;

fn act(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|a| update(app, Event::Action(*a)))
        .collect()
}

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    update(app, Event::Action(Action::Palette));
    for c in line.chars() {
        update(app, Event::Char(c));
    }
    update(app, Event::Action(Action::Open))
}

fn bulk(fx: &[Effect]) -> Vec<&BulkEffect> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Bulk(b) => Some(b),
            _ => None,
        })
        .collect()
}

fn plan_of(action: BulkAction, tickets: &[TicketId]) -> BulkEffect {
    BulkEffect::Plan {
        action,
        tickets: tickets.to_vec(),
    }
}

/// The list as loaded: `total` tickets, the fixture's rows from `offset`.
fn window(app: &App, total: usize, offset: usize, ids: &[TicketId]) -> Event {
    Event::ListLoaded(ListWindow {
        query: app.list_query(),
        total,
        offset,
        rows: rows().into_iter().filter(|t| ids.contains(&t.id)).collect(),
        selected: app.list.selected,
    })
}

use Action::*;

#[test]
fn space_marks_and_moves_on_and_marks_toggle() {
    // (keys from the top of a fresh list, marked after, selected row after)
    #[rustfmt::skip]
    let cases: [(&[Action], &[TicketId], usize); 5] = [
        (&[ToggleMark], &[101], 1),
        (&[ToggleMark, ToggleMark, ToggleMark], &[101, 102, 103], 3),
        (&[ToggleMark, Up, ToggleMark], &[], 1),
        (&[Down, Down, ToggleMark, Top, ToggleMark], &[101, 103], 1),
        // the last row stays selected and toggles
        (&[Bottom, ToggleMark, ToggleMark], &[], 5),
    ];
    for (keys, marked, selected) in cases {
        let mut app = loaded_app(100, 30);
        act(&mut app, keys);
        assert_eq!(app.marks.ids(), marked, "{keys:?}");
        assert_eq!(app.list.selected, selected, "{keys:?}");
    }
}

#[test]
fn a_visual_range_follows_the_selection_and_stays_when_it_ends() {
    // (keys, marked after)
    #[rustfmt::skip]
    let cases: [(&[Action], &[TicketId]); 8] = [
        (&[Down, VisualMark], &[102]),
        (&[Down, VisualMark, Down, Down], &[102, 103, 104]),
        (&[Down, VisualMark, Down, Down, Up], &[102, 103]),
        // upwards from the anchor
        (&[Down, Down, VisualMark, Up, Up], &[101, 102, 103]),
        // V ends it: moving on marks no more
        (&[Down, VisualMark, Down, VisualMark, Down, Down], &[102, 103]),
        // a mark made before the range stays when the range leaves it
        (&[Bottom, ToggleMark, Top, VisualMark, Down, Up], &[101, 106]),
        // Esc ends the range first, then clears the marks
        (&[VisualMark, Down, ClearMarks], &[101, 102]),
        // h and Left go back and leave the marks alone
        (&[ToggleMark, ToggleMark, Back], &[101, 102]),
    ];
    for (keys, marked) in cases {
        let mut app = loaded_app(100, 30);
        act(&mut app, keys);
        assert_eq!(app.marks.ids(), marked, "{keys:?}");
    }
    let mut app = loaded_app(100, 30);
    act(&mut app, &[VisualMark, Down, ClearMarks, ClearMarks]);
    assert!(app.marks.is_empty());
    assert_eq!(app.focus, Pane::List, "Esc with marks clears them first");
    act(&mut app, &[ClearMarks]);
    assert_eq!(app.focus, Pane::Queues, "then goes back");
}

#[test]
fn a_range_past_the_loaded_rows_asks_for_their_ids() {
    let mut app = loaded_app(100, 30);
    let ev = window(&app, 500, 0, &[101, 102, 103, 104, 105, 106]);
    update(&mut app, ev);
    act(&mut app, &[VisualMark]);
    let fx = act(&mut app, &[Bottom]);
    let query = app.list_query();
    assert!(
        bulk(&fx).contains(&&BulkEffect::LoadIds {
            query: query.clone(),
            offset: 0,
            limit: 500,
            purpose: IdsFor::Range,
        }),
        "{fx:?}"
    );
    update(
        &mut app,
        Event::Bulk(BulkEvent::Ids {
            query,
            offset: 0,
            purpose: IdsFor::Range,
            // the loaded rows come first, as the store lists them
            ids: (101..=106).chain(1000..1494).collect(),
        }),
    );
    assert_eq!(app.marks.len(), 500);
    assert!(app.marks.contains(1493) && app.marks.contains(101));
}

#[test]
fn mark_all_marks_the_whole_list_loaded_or_not() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[MarkAll]);
    assert_eq!(app.marks.ids(), [101, 102, 103, 104, 105, 106]);
    command(&mut app, "unmark");
    assert!(app.marks.is_empty());

    // Only a window of a long list is loaded: its ids come from the store.
    let ev = window(&app, 40, 0, &[101, 102]);
    update(&mut app, ev);
    let fx = command(&mut app, "mark-all");
    let query = app.list_query();
    assert_eq!(
        bulk(&fx),
        [&BulkEffect::LoadIds {
            query: query.clone(),
            offset: 0,
            limit: 40,
            purpose: IdsFor::MarkAll,
        }]
    );
    // ids for a list no longer shown are ignored
    let ids = |query: &str| {
        Event::Bulk(BulkEvent::Ids {
            query: query.into(),
            offset: 0,
            purpose: IdsFor::MarkAll,
            ids: (1..=40).collect(),
        })
    };
    update(&mut app, ids("status:new"));
    assert!(app.marks.is_empty());
    update(&mut app, ids(&query));
    assert_eq!(app.marks.len(), 40);
}

#[test]
fn marks_survive_reloads_by_id_and_drop_tickets_that_left() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[ToggleMark, ToggleMark, Down, ToggleMark]);
    assert_eq!(app.marks.ids(), [101, 102, 104]);
    // 102 was solved elsewhere and left the list; the others moved
    let ev = window(&app, 5, 0, &[101, 103, 104, 105, 106]);
    update(&mut app, ev);
    assert_eq!(app.marks.ids(), [101, 104]);
    // a window of a longer list: the list's ids decide
    let ev = window(&app, 300, 0, &[104, 105]);
    let fx = update(&mut app, ev);
    assert!(matches!(
        bulk(&fx).as_slice(),
        [BulkEffect::LoadIds {
            purpose: IdsFor::Prune,
            limit: 300,
            ..
        }]
    ));
    let query = app.list_query();
    update(
        &mut app,
        Event::Bulk(BulkEvent::Ids {
            query,
            offset: 0,
            purpose: IdsFor::Prune,
            ids: vec![104, 7, 8],
        }),
    );
    assert_eq!(app.marks.ids(), [104]);
}

fn planned(app: &mut App, action: BulkAction, outcomes: &[(TicketId, Outcome)]) {
    update(
        app,
        Event::Bulk(BulkEvent::Planned(BulkPlan {
            action,
            rows: outcomes
                .iter()
                .map(|(t, o)| PlanRow {
                    ticket: *t,
                    title: String::new(),
                    outcome: o.clone(),
                })
                .collect(),
            scroll: 0,
        })),
    );
}

#[test]
fn a_bulk_action_is_previewed_and_applied_only_on_confirm() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[ToggleMark, ToggleMark]);
    let solved = BulkAction::Status(Status::Solved);
    // s with marks plans for all of them; nothing is written yet
    let fx = act(&mut app, &[StatusSolved]);
    assert_eq!(fx, [Effect::Bulk(plan_of(solved.clone(), &[101, 102]))]);
    let outcomes = [
        (101, Outcome::Apply("new → solved".into())),
        (102, Outcome::Skip("already solved".into())),
    ];
    planned(&mut app, solved.clone(), &outcomes);
    assert!(matches!(app.mode, Mode::Confirm(_)));
    assert_eq!(app.context(), Context::Confirm);
    // keys that mean something elsewhere do nothing here
    assert!(act(&mut app, &[StatusPending, ToggleMark, Reply]).is_empty());
    // confirm applies to the tickets that change
    let fx = act(&mut app, &[Confirm]);
    assert_eq!(
        fx,
        [Effect::Bulk(BulkEffect::Apply {
            action: solved,
            tickets: vec![101],
        })]
    );
    assert_eq!(app.mode, Mode::Normal);
    update(
        &mut app,
        Event::Bulk(BulkEvent::Applied("1 ticket set to solved".into())),
    );
    assert!(app.marks.is_empty());
}

#[test]
fn cancel_leaves_everything_as_it_was() {
    for cancel in [Back, Quit] {
        let mut app = loaded_app(100, 30);
        act(&mut app, &[ToggleMark, ToggleMark]);
        let action = BulkAction::Assign(Some("alice".into()));
        assert_eq!(
            act(&mut app, &[AssignMe]),
            [Effect::Bulk(plan_of(action.clone(), &[101, 102]))]
        );
        planned(
            &mut app,
            action,
            &[(101, Outcome::Apply("none → alice".into()))],
        );
        assert!(act(&mut app, &[cancel]).is_empty(), "{cancel:?}");
        assert_eq!(app.mode, Mode::Normal);
        assert!(!app.quit, "q cancels the preview, not the console");
        assert_eq!(app.marks.ids(), [101, 102], "marks stay for another try");
    }
}

#[test]
fn palette_verbs_act_on_the_marks_or_the_highlighted_ticket() {
    let s = |x: &str| x.to_string();
    // (marks from the top with space, command, planned)
    #[rustfmt::skip]
    let cases: Vec<(usize, &str, Option<BulkEffect>)> = vec![
        (2, "status pending", Some(plan_of(BulkAction::Status(Status::Pending), &[101, 102]))),
        (2, "assign bob", Some(plan_of(BulkAction::Assign(Some(s("bob"))), &[101, 102]))),
        (2, "assign none", Some(plan_of(BulkAction::Assign(None), &[101, 102]))),
        (3, "tag +vip -old", Some(plan_of(BulkAction::Tag(vec![s("vip")], vec![s("old")]), &[101, 102, 103]))),
        (2, "reply sizing", Some(plan_of(BulkAction::Reply(s("sizing")), &[101, 102]))),
        // no marks: a templated reply to the highlighted ticket, previewed the same way
        (0, "reply sizing", Some(plan_of(BulkAction::Reply(s("sizing")), &[101]))),
        // after two marks the highlight is on 103: the marked ones merge into it
        (2, "merge", Some(plan_of(BulkAction::Merge(103), &[101, 102]))),
        (3, "merge 102", Some(plan_of(BulkAction::Merge(102), &[101, 103]))),
        // nothing marked: the single-ticket verbs as before, and no bare merge
        (0, "status pending", None),
        (0, "merge", None),
        (2, "reply", None),
    ];
    for (marks, line, want) in cases {
        let mut app = loaded_app(100, 30);
        for _ in 0..marks {
            act(&mut app, &[ToggleMark]);
        }
        let fx = command(&mut app, line);
        let got = bulk(&fx).first().map(|b| (*b).clone());
        assert_eq!(got, want, "{marks} marked, :{line}");
    }
    let mut app = loaded_app(100, 30);
    act(&mut app, &[ToggleMark, ToggleMark]);
    command(&mut app, "reply");
    assert_eq!(
        app.status,
        Some((
            s("a reply to 2 marked tickets needs a template: :reply NAME"),
            true
        ))
    );
}

#[test]
fn a_ctrl_click_toggles_the_mark_of_the_row_under_it() {
    let mut app = loaded_app(150, 40);
    let list = app.areas().list.unwrap_or_default();
    let click = |row: u16| {
        Event::Mouse(Mouse {
            kind: MouseKind::MarkClick,
            column: list.x + 5,
            row: list.y + 1 + row,
        })
    };
    update(&mut app, click(2));
    update(&mut app, click(4));
    assert_eq!(app.marks.ids(), [103, 105]);
    update(&mut app, click(2));
    // below the last row: nothing
    update(&mut app, click(20));
    assert_eq!(app.marks.ids(), [105]);
    assert_eq!(app.list.selected, 0, "the selection stays");
}

/// A range is drawn over positions: when the list under it changes (new mail, another
/// queue or search), it ends, and what it marked stays marked by ticket.
#[test]
fn a_range_ends_when_its_list_changes_and_its_marks_stay() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[VisualMark, Down, Down]);
    assert_eq!(app.marks.ids(), [101, 102, 103]);
    update(&mut app, Event::DataChanged);
    // the reload puts other tickets where the range was: they are not marked
    let mut moved = rows();
    moved.rotate_left(3);
    let reloaded = Event::ListLoaded(ListWindow {
        query: app.list_query(),
        total: 6,
        offset: 0,
        rows: moved,
        selected: app.list.selected,
    });
    update(&mut app, reloaded);
    act(&mut app, &[Down]);
    assert!(!app.marks.visual());
    assert_eq!(app.marks.ids(), [101, 102, 103]);

    let mut app = loaded_app(100, 30);
    act(&mut app, &[VisualMark, Down, Search]);
    for c in "tag:vip".chars() {
        update(&mut app, Event::Char(c));
    }
    act(&mut app, &[Open]);
    let other = Event::ListLoaded(ListWindow {
        query: app.list_query(),
        total: 2,
        offset: 0,
        rows: rows().into_iter().filter(|t| t.id >= 105).collect(),
        selected: 0,
    });
    update(&mut app, other);
    assert!(!app.marks.visual(), "another list ends the range");
    assert!(!app.marks.contains(105) && !app.marks.contains(106));
}
