//! The service-level counter and bell: when the stages are asked for, what an answer
//! changes, and when the bell rings.

use std::collections::BTreeSet;

use super::fixtures::{NOW, loaded_app};
use super::sla::ASK_EVERY_S;
use super::*;

fn counts(breached: &[TicketId], approaching: usize) -> Event {
    Event::SlaLoaded(SlaCounts {
        breached: breached.iter().copied().collect::<BTreeSet<_>>(),
        approaching,
    })
}

fn asks(fx: &[Effect]) -> bool {
    fx.contains(&Effect::LoadSla)
}

#[test]
fn the_stages_are_asked_for_on_start_on_new_data_and_every_half_minute() {
    let mut app = App::new("alice", "Shop", NOW);
    assert!(asks(&app.start()));
    // a quiet screen: not again until the half minute is up
    assert!(!asks(&update(&mut app, Event::Tick(NOW + 1))));
    assert!(!asks(&update(&mut app, Event::Tick(NOW + ASK_EVERY_S - 1))));
    assert!(asks(&update(&mut app, Event::Tick(NOW + ASK_EVERY_S))));
    assert!(!asks(&update(&mut app, Event::Tick(NOW + ASK_EVERY_S + 1))));
    // another process wrote: asked at once, and the half minute starts over
    assert!(asks(&update(&mut app, Event::DataChanged)));
    assert!(!asks(&update(&mut app, Event::Tick(NOW + 2 * ASK_EVERY_S))));
    // a clock set back asks again rather than wait for the old time to come round
    assert!(asks(&update(&mut app, Event::Tick(NOW - 10))));
}

#[test]
fn the_bell_rings_once_for_each_ticket_newly_breached() {
    // (breached, approaching) answers in order, and whether each rings
    let cases: &[(&[TicketId], usize, bool)] = &[
        // how things stand when the console opens: no bell
        (&[7], 2, false),
        (&[7], 2, false),
        // #9 breaches
        (&[7, 9], 1, true),
        (&[7, 9], 1, false),
        // #7 answered, nothing new
        (&[9], 1, false),
        (&[], 0, false),
        // #7's next reply late: breached again, rings again
        (&[7], 0, true),
        // one out, another in at once
        (&[8], 0, true),
    ];
    let mut app = loaded_app(100, 30);
    app.sla.bell = true;
    for (i, (breached, approaching, rings)) in cases.iter().enumerate() {
        let fx = update(&mut app, counts(breached, *approaching));
        assert_eq!(fx.contains(&Effect::Bell), *rings, "answer {i}");
        let c = app.sla.counts.as_ref().expect("counts");
        assert_eq!(
            (c.breached.len(), c.approaching),
            (breached.len(), *approaching)
        );
    }
}

#[test]
fn without_bell_the_counter_still_follows() {
    let mut app = loaded_app(100, 30);
    assert!(!app.sla.bell, "off unless the config asks");
    assert!(update(&mut app, counts(&[], 1)).is_empty());
    assert!(update(&mut app, counts(&[4, 5], 0)).is_empty());
    assert_eq!(app.sla.counts.as_ref().map(|c| c.breached.len()), Some(2));
}

#[test]
fn the_breaching_queue_lists_by_the_query_the_stages_answer() {
    let mut app = loaded_app(100, 30);
    act_all(&mut app, &[Action::PrevPane]);
    assert_eq!(app.focus, Pane::Queues);
    let mut fx = Vec::new();
    while app.queues[app.queue_selected].kind != QueueKind::Breaching {
        fx = act_all(&mut app, &[Action::Down]);
    }
    assert!(
        matches!(&fx[..], [Effect::LoadList { query, .. }] if query == "is:breaching"),
        "{fx:?}"
    );
    // new data counts every queue again and asks for the stages with them
    let fx = update(&mut app, Event::DataChanged);
    assert!(asks(&fx));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadCounts(q) if q.contains(&"is:breaching".to_string())))
    );
}

fn act_all(app: &mut App, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .flat_map(|a| update(app, Event::Action(*a)))
        .collect()
}
