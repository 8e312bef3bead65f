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

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Event::Char(c));
    }
}

#[test]
fn views_are_queues_after_the_built_in_ones_in_the_order_given() {
    let mut app = loaded_app(150, 40);
    let built_in = app.queues.len();
    app.add_views([("VIP", "tag:vip -status:solved"), ("Returns", "tag:return")]);
    let names: Vec<&str> = app.queues[built_in..]
        .iter()
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(names, ["VIP", "Returns"]);
    assert!(
        app.queues[built_in..]
            .iter()
            .all(|q| q.kind == QueueKind::View)
    );
    // Counts are asked for every queue, views included.
    let fx = update(&mut app, Event::DataChanged);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadCounts(q) if q.len() == built_in + 2)),
        "{fx:?}"
    );
    // Choosing a view lists its query.
    act(&mut app, &[Action::PrevPane, Action::Bottom]);
    let fx = act(&mut app, &[Action::Up]);
    assert!(
        matches!(&fx[..], [Effect::LoadList { query, .. }] if query == "tag:vip -status:solved"),
        "{fx:?}"
    );
}

#[test]
fn save_keeps_the_live_search_as_a_view() {
    let mut app = loaded_app(150, 40);
    // Without a search there is nothing to keep.
    act(&mut app, &[Action::Palette]);
    type_text(&mut app, "save VIP");
    assert!(act(&mut app, &[Action::Open]).is_empty());
    assert!(matches!(&app.status, Some((s, true)) if s.contains("search first")));

    act(&mut app, &[Action::Search]);
    type_text(&mut app, "tag:vip");
    act(&mut app, &[Action::Open, Action::Palette]);
    type_text(&mut app, "save VIP");
    let fx = act(&mut app, &[Action::Open]);
    let want = Effect::SaveView {
        name: "VIP".into(),
        query: "-status:solved -status:closed tag:vip".into(),
    };
    assert_eq!(fx, vec![want]);
    let n = app.queues.len();
    let fx = update(
        &mut app,
        Event::ViewSaved {
            name: "VIP".into(),
            query: "-status:solved -status:closed tag:vip".into(),
        },
    );
    assert_eq!(app.queues.len(), n + 1);
    assert_eq!(app.queues[n].name, "VIP");
    assert!(matches!(&fx[..], [Effect::LoadCounts(q)] if q.len() == n + 1));
    // A second view of the same name is refused before anything is written.
    act(&mut app, &[Action::Palette]);
    type_text(&mut app, "save VIP");
    assert!(act(&mut app, &[Action::Open]).is_empty());
    assert!(matches!(&app.status, Some((s, true)) if s.contains("exists already")));
}

fn mouse(app: &mut App, kind: MouseKind, column: u16, row: u16) -> Vec<Effect> {
    update(app, Event::Mouse(Mouse { kind, column, row }))
}

#[test]
fn clicks_focus_panes_select_rows_and_open_tickets() {
    use MouseKind::*;
    // 150 columns: queues at x 0..24, the list's first row on screen row 2, the thread
    // on the right.
    let mut app = loaded_app(150, 40);
    let fx = mouse(&mut app, Click, 40, 4);
    assert_eq!((app.focus, app.list.selected), (Pane::List, 2));
    assert_eq!(previews(&fx), vec![103]);
    // Below the last row, on the border, on the title: nothing changes.
    for (col, row) in [(40, 20), (40, 1), (40, 0), (24, 4)] {
        mouse(&mut app, Click, col, row);
        assert_eq!(app.list.selected, 2, "{col},{row}");
    }
    let fx = mouse(&mut app, DoubleClick, 40, 5);
    assert_eq!(fx, vec![Effect::LoadTicket(104)]);
    assert_eq!(app.focus, Pane::Thread);
    // The wheel scrolls the pane under the pointer, not the focused one.
    mouse(&mut app, ScrollDown, 140, 10);
    mouse(&mut app, ScrollDown, 140, 10);
    mouse(&mut app, ScrollUp, 140, 10);
    assert_eq!(app.thread_scroll, 3);
    mouse(&mut app, ScrollDown, 40, 10);
    assert_eq!(app.list.selected, 6.min(app.list.total - 1));
    // A click on a queue focuses the queues and lists that queue.
    let fx = mouse(&mut app, Click, 5, 3);
    assert_eq!((app.focus, app.queue_selected), (Pane::Queues, 1));
    assert!(
        matches!(&fx[..], [Effect::LoadList { query, .. }] if query == "status:new"),
        "{fx:?}"
    );
    mouse(&mut app, ScrollDown, 5, 3);
    assert_eq!(app.queue_selected, 2);
}

#[test]
fn on_a_narrow_screen_tabs_are_clicked_and_the_thread_takes_the_screen() {
    use MouseKind::*;
    let mut app = loaded_app(80, 24);
    // " Open 5 " is 8 columns, " New 2 " the next 7.
    let fx = mouse(&mut app, Click, 10, 1);
    assert_eq!(app.queue_selected, 1);
    assert!(matches!(&fx[..], [Effect::LoadList { .. }]), "{fx:?}");
    let mut app = loaded_app(80, 24);
    mouse(&mut app, Click, 5, 4);
    assert_eq!(app.list.selected, 1);
    assert!(
        previews(&mouse(&mut app, Click, 5, 5)).is_empty(),
        "no thread pane beside"
    );
    assert_eq!(
        mouse(&mut app, DoubleClick, 5, 5),
        vec![Effect::LoadTicket(103)]
    );
    assert_eq!(app.focus, Pane::Thread);
    mouse(&mut app, ScrollDown, 5, 10);
    assert_eq!(app.thread_scroll, 3);
}

/// Nine queues do not fit 80 columns: the bar scrolls to keep the selected one in view,
/// and a click lands on the tab drawn there, not on where it would be unscrolled.
#[test]
fn a_scrolled_queue_bar_is_clicked_where_it_is_drawn() {
    use MouseKind::*;
    let mut app = loaded_app(80, 24);
    app.queue_selected = app.queues.len() - 1;
    // `‹` at column 0, then " Mine 1 " (the third queue) from column 1
    mouse(&mut app, Click, 3, 1);
    assert_eq!(app.queue_selected, 2);
    // The first queues are out of sight again; `‹` brings the one before into view.
    app.queue_selected = app.queues.len() - 1;
    mouse(&mut app, Click, 0, 1);
    assert_eq!(app.queue_selected, 1);
    // From the start, `›` (right after " Repeat 0 ") is the next queue out of sight.
    app.queue_selected = 0;
    mouse(&mut app, Click, 75, 1);
    assert_eq!(app.queue_selected, 7);
}

#[test]
fn the_mouse_waits_while_an_overlay_or_a_typed_line_is_open() {
    for opening in [Action::Help, Action::Search, Action::Palette, Action::Reply] {
        let mut app = loaded_app(150, 40);
        act(&mut app, &[opening]);
        let mode = app.mode.clone();
        assert!(
            mouse(&mut app, MouseKind::Click, 40, 5).is_empty(),
            "{opening:?}"
        );
        assert_eq!(
            (app.mode.clone(), app.list.selected),
            (mode, 0),
            "{opening:?}"
        );
    }
}
