//! Key-sequence tests: actions in, state and effects out.

use super::fixtures::{NOW, loaded_app, with_ticket};
use super::*;

/// The ticket on screen about the customer's order that has no tracking: the composer
/// opens blank, nothing is offered.
fn untracked(mut app: App) -> App {
    if let Some(c) = app.customer.as_mut() {
        c.ticket_order = Some("10031".into());
    }
    app
}

fn act(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|a| update(app, Event::Action(*a)))
        .collect()
}

#[test]
fn moving_through_the_list_and_opening_a_ticket() {
    let mut app = loaded_app(100, 30);
    assert_eq!(app.context(), Context::List);
    act(&mut app, &[Action::Down, Action::Down]);
    assert_eq!(app.list.selected, 2);
    act(&mut app, &[Action::Up]);
    assert_eq!(app.list.selected, 1);
    act(&mut app, &[Action::Bottom]);
    assert_eq!(app.list.selected, 5);
    act(&mut app, &[Action::Down]);
    assert_eq!(app.list.selected, 5, "stays on the last row");
    act(&mut app, &[Action::Top]);
    let fx = act(&mut app, &[Action::Open]);
    assert_eq!(fx, vec![Effect::LoadTicket(101)]);
    assert_eq!(app.focus, Pane::Thread);
    act(&mut app, &[Action::Back]);
    assert_eq!(app.focus, Pane::List);
}

#[test]
fn scrolling_past_the_loaded_window_asks_for_more() {
    let mut app = loaded_app(100, 30);
    app.list.total = 100_000;
    let fx = act(&mut app, &[Action::Bottom]);
    assert!(
        matches!(fx.as_slice(), [Effect::LoadList { selected: 99_999, limit, offset, .. }] if *offset + *limit > 99_999),
        "{fx:?}"
    );
    // Results for a query that is no longer shown are dropped.
    let stale = ListWindow {
        query: "status:solved".into(),
        total: 1,
        ..ListWindow::default()
    };
    update(&mut app, Event::ListLoaded(stale));
    assert_eq!(app.list.total, 100_000);
}

#[test]
fn queues_switch_the_list() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::PrevPane]);
    assert_eq!(app.focus, Pane::Queues);
    let fx = act(&mut app, &[Action::Down]);
    assert!(
        matches!(&fx[..], [Effect::LoadList { query, offset: 0, .. }] if query == "status:new"),
        "{fx:?}"
    );
    act(&mut app, &[Action::Open]);
    assert_eq!(app.focus, Pane::List);
}

#[test]
fn search_is_live_and_bad_queries_only_show_an_error() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::Search]);
    assert_eq!(app.context(), Context::Search);
    let mut fx = Vec::new();
    for c in "tag:wismo".chars() {
        fx = update(&mut app, Event::Char(c));
    }
    assert!(
        matches!(&fx[..], [Effect::LoadList { query, .. }] if query.ends_with("tag:wismo")),
        "{fx:?}"
    );
    for c in " stauts:x".chars() {
        update(&mut app, Event::Char(c));
    }
    assert!(
        app.status
            .as_ref()
            .is_some_and(|(s, err)| *err && s.contains("stauts"))
    );
    act(&mut app, &[Action::Back]);
    assert_eq!(app.filter, None);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn palette_runs_ticket_verbs() {
    let mut app = loaded_app(100, 30);
    let cases: Vec<(&str, Vec<Effect>)> = vec![
        (
            "status pending",
            vec![Effect::SetStatus(101, Status::Pending)],
        ),
        ("assign me", vec![Effect::Assign(101, Some("alice".into()))]),
        ("assign none", vec![Effect::Assign(101, None)]),
        (
            "priority high",
            vec![Effect::SetPriority(101, crate::domain::Priority::High)],
        ),
        (
            "tag +vip -wismo",
            vec![Effect::Tag(101, vec!["vip".into()], vec!["wismo".into()])],
        ),
        (
            "note called the carrier",
            vec![Effect::Note(101, "called the carrier".into())],
        ),
        ("status later", vec![]),
        ("frobnicate", vec![]),
    ];
    for (input, want) in cases {
        act(&mut app, &[Action::Palette]);
        for c in input.chars() {
            update(&mut app, Event::Char(c));
        }
        let fx = act(&mut app, &[Action::Open]);
        assert_eq!(fx, want, "{input}");
        if want.is_empty() {
            assert!(
                app.status.as_ref().is_some_and(|(_, err)| *err),
                "{input}: error shown"
            );
        }
    }
}

#[test]
fn composing_with_a_template_and_undoing_the_send() {
    let mut app = untracked(with_ticket(loaded_app(100, 30)));
    let fx = act(&mut app, &[Action::Open, Action::Reply]);
    assert!(fx.contains(&Effect::LoadDraft(101)), "{fx:?}");
    assert_eq!(app.mode, Mode::Composer);
    let fx = act(&mut app, &[Action::PickTemplate]);
    assert_eq!(
        fx,
        vec![Effect::Preview {
            ticket: 101,
            template: "ack".into()
        }]
    );
    update(&mut app, Event::Char('w'));
    assert!(matches!(&app.mode, Mode::Picker { filter, .. } if filter == "w"));
    update(
        &mut app,
        Event::Preview(Ok("Hi Anna,\nyour order shipped.".into())),
    );
    let fx = act(&mut app, &[Action::Open]);
    assert!(
        matches!(&fx[..], [Effect::SaveDraft(101, body)] if body.starts_with("Hi Anna")),
        "{fx:?}"
    );
    let fx = act(&mut app, &[Action::Send]);
    assert!(
        matches!(&fx[..], [Effect::QueueReply { ticket: 101, template: Some(t), .. }] if t == "wismo"),
        "{fx:?}"
    );
    assert_eq!(app.mode, Mode::Normal);
    update(
        &mut app,
        Event::Queued(PendingSend {
            outbox_id: 9,
            ticket: 101,
            deadline: NOW + 10,
        }),
    );
    let fx = act(&mut app, &[Action::UndoSend]);
    assert_eq!(fx, vec![Effect::CancelSend(9)]);
}

#[test]
fn only_a_rendered_preview_is_taken_into_the_composer() {
    // (preview, what the composer holds after Enter in the picker, error shown)
    let cases = [
        (Ok("Hi Anna,"), "Hi Anna,", false),
        // a text that happens to read like a failure is still the text
        (
            Ok("(cannot render this) is fine"),
            "(cannot render this) is fine",
            false,
        ),
        (Err("no order on this ticket"), "", true),
    ];
    for (preview, want, error) in cases {
        let mut app = untracked(with_ticket(loaded_app(100, 30)));
        act(
            &mut app,
            &[Action::Open, Action::Reply, Action::PickTemplate],
        );
        update(
            &mut app,
            Event::Preview(preview.map(str::to_string).map_err(str::to_string)),
        );
        act(&mut app, &[Action::Open]);
        assert_eq!(app.mode, Mode::Composer, "{preview:?}");
        let body = app.composer.as_ref().map(|c| c.area.lines().join("\n"));
        assert_eq!(body.as_deref(), Some(want), "{preview:?}");
        assert_eq!(
            app.status.as_ref().is_some_and(|s| s.1),
            error,
            "{preview:?}"
        );
    }
}

#[test]
fn the_breaching_queue_is_known_by_kind_not_name() {
    let app = loaded_app(100, 30);
    let breaching: Vec<_> = app
        .queues
        .iter()
        .filter(|q| q.kind == QueueKind::Breaching)
        .map(|q| q.query.as_str())
        .collect();
    assert_eq!(breaching, ["is:breaching"]);
}

#[test]
fn empty_reply_is_refused_and_quit_is_not_taken_while_writing() {
    let mut app = untracked(with_ticket(loaded_app(100, 30)));
    act(&mut app, &[Action::Reply]);
    assert!(act(&mut app, &[Action::Send]).is_empty());
    assert!(
        app.status
            .as_ref()
            .is_some_and(|(s, _)| s.contains("empty"))
    );
    act(&mut app, &[Action::Quit]);
    assert!(!app.quit);
    act(&mut app, &[Action::Back, Action::Quit]);
    assert!(app.quit);
}

#[test]
fn new_data_reloads_what_is_on_screen() {
    let mut app = with_ticket(loaded_app(100, 30));
    let fx = update(&mut app, Event::DataChanged);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadCounts(_))));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadList { .. })));
    assert!(fx.contains(&Effect::LoadTicket(101)));
}

#[test]
fn a_saved_draft_comes_back() {
    let mut app = untracked(with_ticket(loaded_app(100, 30)));
    act(&mut app, &[Action::Reply]);
    update(
        &mut app,
        Event::DraftLoaded(101, "Half-written answer".into()),
    );
    assert_eq!(
        app.composer.as_ref().map(|c| c.area.lines().join("\n")),
        Some("Half-written answer".into())
    );
    // A draft for another ticket is not applied.
    act(&mut app, &[Action::Back]);
    update(&mut app, Event::DraftLoaded(999, "other".into()));
    assert_eq!(
        app.composer.as_ref().map(|c| c.area.lines().join("\n")),
        Some("Half-written answer".into())
    );
}

#[test]
fn attachments_are_saved_from_the_thread() {
    let mut app = with_ticket(loaded_app(100, 30));
    act(&mut app, &[Action::Open]);
    let fx = act(&mut app, &[Action::SaveAttachments]);
    assert_eq!(fx, vec![Effect::SaveAttachments(101)]);
}

#[test]
fn the_composer_sets_the_status_to_apply_after_sending() {
    let mut app = untracked(with_ticket(loaded_app(100, 30)));
    act(&mut app, &[Action::Reply]);
    update(&mut app, Event::Paste("Done, refunded.".into()));
    act(&mut app, &[Action::CycleStatus, Action::CycleStatus]);
    let fx = act(&mut app, &[Action::Send]);
    assert!(
        matches!(
            &fx[..],
            [Effect::QueueReply {
                status: Some(Status::Solved),
                ..
            }]
        ),
        "{fx:?}"
    );
}

/// A where-is-my-order answer in three keys: `r` opens the picker on `wismo` (the ticket's
/// order can be tracked), `Enter` takes its preview, `Ctrl-S` queues it.
#[test]
fn a_tracked_order_offers_wismo_first() {
    let mut app = with_ticket(loaded_app(100, 30));
    let fx = act(&mut app, &[Action::Reply]);
    assert!(
        fx.contains(&Effect::Preview {
            ticket: 101,
            template: "wismo".into()
        }),
        "{fx:?}"
    );
    assert!(matches!(app.mode, Mode::Picker { selected: 0, .. }));
    let names: Vec<&str> = app
        .picker_templates("")
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(names, ["wismo", "ack", "damaged", "return"]);
    update(
        &mut app,
        Event::Preview(Ok("Hi Anna, follow it here: https://track.example/1".into())),
    );
    act(&mut app, &[Action::Open]);
    let fx = act(&mut app, &[Action::Send]);
    assert!(
        matches!(&fx[..], [Effect::QueueReply { ticket: 101, template: Some(t), body, .. }]
            if t == "wismo" && body.contains("https://track.example/1")),
        "{fx:?}"
    );

    // A draft that comes back wins over the offer.
    let mut app = with_ticket(loaded_app(100, 30));
    act(&mut app, &[Action::Reply]);
    update(&mut app, Event::DraftLoaded(101, "Half-written".into()));
    assert_eq!(app.mode, Mode::Composer);
    // Without tracking, nothing is offered and the list keeps its order.
    let mut app = untracked(with_ticket(loaded_app(100, 30)));
    act(&mut app, &[Action::Reply]);
    assert_eq!(app.mode, Mode::Composer);
    assert_eq!(app.offered_template(), None);
}

#[test]
fn a_key_switches_the_tickets_order_round_the_customers_orders() {
    let mut app = with_ticket(loaded_app(100, 30));
    // the customer's orders, newest first: 10031, 10023 (the ticket's)
    act(&mut app, &[Action::Open]);
    let fx = act(&mut app, &[Action::NextOrder]);
    assert_eq!(fx, vec![Effect::LinkOrder(101, "10031".into())]);
    let fx = act(&mut app, &[Action::NextOrder]);
    assert_eq!(fx, vec![Effect::LinkOrder(101, "10023".into())]);
    // One order only: nothing to switch to.
    if let Some(c) = app.customer.as_mut() {
        c.orders.truncate(1);
        c.ticket_order = Some("10031".into());
    }
    assert!(act(&mut app, &[Action::NextOrder]).is_empty());
    app.customer = None;
    assert!(act(&mut app, &[Action::NextOrder]).is_empty());
    assert!(app.status.as_ref().is_some_and(|s| s.1));
}
