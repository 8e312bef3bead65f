//! Key- and mouse-sequence tests for the list's preview, saved views and the mouse.

use super::fixtures::{customer, detail, loaded_app};
use super::*;

fn act(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|a| update(app, Event::Action(*a)))
        .collect()
}

fn previews(fx: &[Effect]) -> Vec<TicketId> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadPreview(id) => Some(*id),
            _ => None,
        })
        .collect()
}

fn loaded(id: TicketId) -> Event {
    let mut d = detail();
    d.ticket.id = id;
    Event::PreviewLoaded(Box::new(d), Some(customer()))
}

#[test]
fn the_thread_pane_previews_the_highlighted_ticket_on_a_wide_screen() {
    let mut app = loaded_app(150, 40);
    // (keys, previews asked for)
    let cases: [(&[Action], &[TicketId]); 4] = [
        (&[Action::Down], &[102]),
        (&[Action::Down, Action::Down], &[103, 104]),
        (&[Action::Top], &[101]),
        (&[Action::Bottom], &[106]),
    ];
    for (keys, want) in cases {
        assert_eq!(previews(&act(&mut app, keys)), want, "{keys:?}");
    }
    // A preview for a ticket no longer highlighted is not shown; the current one is.
    update(&mut app, loaded(105));
    assert!(app.ticket.is_none());
    update(&mut app, loaded(106));
    assert_eq!(app.ticket.as_ref().map(|t| t.ticket.id), Some(106));
    assert_eq!(app.focus, Pane::List, "a preview does not take the focus");
    // The ticket already shown is not loaded again.
    assert_eq!(
        previews(&act(&mut app, &[Action::Bottom])),
        Vec::<TicketId>::new()
    );
}

#[test]
fn no_preview_where_the_thread_pane_is_not_beside_the_list() {
    let mut narrow = loaded_app(100, 30);
    assert!(previews(&act(&mut narrow, &[Action::Down])).is_empty());
    // With the thread focused, a late preview does not replace the open ticket.
    let mut wide = loaded_app(150, 40);
    act(&mut wide, &[Action::Open]);
    let mut open = detail();
    open.ticket.id = 101;
    update(&mut wide, Event::TicketLoaded(Box::new(open), None));
    update(&mut wide, loaded(101));
    assert_eq!(wide.customer, None);
    assert!(previews(&act(&mut wide, &[Action::Down])).is_empty());
}

#[test]
fn a_loaded_list_previews_its_selection() {
    let mut app = App::new("alice", "Example Shop", super::fixtures::NOW);
    update(&mut app, Event::Resize(200, 50));
    let query = app.list_query();
    let fx = update(
        &mut app,
        Event::ListLoaded(ListWindow {
            query,
            total: 6,
            offset: 0,
            rows: super::fixtures::rows(),
            selected: 2,
        }),
    );
    assert_eq!(previews(&fx), vec![103]);
}
