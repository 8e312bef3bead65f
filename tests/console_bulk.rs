//! Marks and bulk actions in the console: snapshots of the list with marks and of the
//! preview, the list's columns at 150 columns, and against a real mail stack, that the
//! console's bulk reply and `bulk-reply` share their dedupe keys: run both, each customer
//! message gets the template once.

#![allow(clippy::unwrap_used)]

mod support;

use shopdesk::app::fixtures::{loaded_app, rows, ticket};
use shopdesk::app::{
    Action, BulkAction, BulkEffect, BulkEvent, BulkPlan, Effect, Event, ListWindow, Outcome,
    PlanRow, update,
};
use shopdesk::config::Config;
use shopdesk::console::{Options, Runner};
use shopdesk::domain::Status;
use shopdesk::store::Store;
use shopdesk::store::query_sql::QueryContext;
use shopdesk::templates::{self, Templates};
use shopdesk::ui::theme::ColorMode;
use support::messages::customer_mail;
use support::screen::{act, render};
use support::{MailStack, list_json, ok, setup, shopdesk};

#[test]
fn the_list_shows_marks_and_how_many() {
    let mut app = loaded_app(100, 30);
    // two marked with space, then a range over two more, still open
    act(
        &mut app,
        &[
            Action::ToggleMark,
            Action::ToggleMark,
            Action::Down,
            Action::VisualMark,
            Action::Down,
        ],
    );
    let screen = render(&app);
    assert!(screen.contains("4 marked · range (V ends)"), "{screen}");
    insta::assert_snapshot!("list_marks_100x30", screen);
}

#[test]
fn the_preview_says_what_happens_to_each_ticket() {
    let mut app = loaded_app(100, 30);
    act(&mut app, &[Action::MarkAll]);
    let fx = update(&mut app, Event::Action(Action::Palette));
    assert!(fx.is_empty());
    for c in "reply sizing".chars() {
        update(&mut app, Event::Char(c));
    }
    let fx = update(&mut app, Event::Action(Action::Open));
    assert!(
        matches!(fx.as_slice(), [Effect::Bulk(BulkEffect::Plan { tickets, .. })] if tickets.len() == 6),
        "{fx:?}"
    );
    let outcome = |t: i64| match t {
        102 | 104 => Outcome::Skip("already sent this template".into()),
        105 => Outcome::Skip("no customer address".into()),
        _ => Outcome::Apply("to customer@example.com".into()),
    };
    let plan = BulkPlan {
        action: BulkAction::Reply("sizing".into()),
        rows: rows()
            .iter()
            .map(|t| PlanRow {
                ticket: t.id,
                title: format!("{} · {}", t.customer.label(), t.subject),
                outcome: outcome(t.id),
            })
            .collect(),
        scroll: 0,
    };
    update(&mut app, Event::Bulk(BulkEvent::Planned(plan)));
    let screen = render(&app);
    assert!(
        screen.contains(
            "Reply `sizing` to 3 of 6 tickets: 2 skipped (already sent this template), 1"
        ),
        "{screen}"
    );
    // the subject's escape sequence is not drawn
    assert!(!screen.contains('\u{1b}'), "{screen}");
    insta::assert_snapshot!("bulk_preview_100x30", screen);
}

/// A customer known by a long address beside short subjects: the address takes the room
/// the subjects leave, at 150 columns.
#[test]
fn a_long_address_gets_the_room_short_subjects_leave() {
    let mut app = loaded_app(150, 36);
    let mut long = ticket(107, Status::Open, "x", "Sizes?", 2);
    long.customer.name = None;
    long.customer.email = Some("margarethe.vonder@example.com".into());
    let mut rows = rows();
    for r in &mut rows {
        r.subject = format!("Order {}", r.id + 9_900);
    }
    rows.insert(0, long);
    let query = app.list_query();
    update(
        &mut app,
        Event::ListLoaded(ListWindow {
            query,
            total: rows.len(),
            offset: 0,
            rows,
            selected: 0,
        }),
    );
    let screen = render(&app);
    assert!(
        screen.contains("margarethe.vonder@example.com Sizes?"),
        "{screen}"
    );
    insta::assert_snapshot!("list_long_address_150x36", screen);
}

/// `bulk-reply` answers one customer, the console's bulk reply is planned and applied for
/// all three, and a last `bulk-reply` finds nothing to do: one reply per customer message.
#[test]
fn the_console_and_bulk_reply_share_their_dedupe() {
    let stack = MailStack::start();
    let (_tmp, config_path, db) = setup(&stack, "");
    let customers = ["c1@example.test", "c2@example.test", "c3@example.test"];
    let mails: Vec<Vec<u8>> = customers
        .iter()
        .enumerate()
        .map(|(i, c)| customer_mail(i + 1, c, &format!("Which size? {i}"), "M or L?"))
        .collect();
    stack.append(support::mailstack::SHOP, "INBOX", &mails);
    ok(shopdesk(&config_path, &db).arg("sync"));
    let ids: Vec<i64> = list_json(&config_path, &db, &[])
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let bulk_reply = |query: &str, extra: &[&str]| {
        let mut args = vec!["bulk-reply", "--query", query, "--template", "sizing"];
        args.extend(extra);
        ok(shopdesk(&config_path, &db).args(args))
    };
    bulk_reply("from:c1@example.test", &["--yes", "--queue-only"]);

    let config = Config::load(&config_path).unwrap();
    let templates = Templates::load(
        &templates::user_dirs(&config),
        &config.shop.default_language,
    )
    .unwrap();
    let opts = Options {
        db: db.clone(),
        config: config.clone(),
        title: "shop".into(),
        theme: "dark".into(),
        color: ColorMode::TrueColor,
        demo: false,
    };
    let mut runner = Runner {
        opts: &opts,
        templates: &templates,
        ctx: QueryContext {
            agent: config.agent.clone(),
            now: chrono::Utc::now().timestamp(),
        },
    };
    let mut store = Store::open(&db).unwrap();
    let action = BulkAction::Reply("sizing".into());
    let planned = runner.perform(
        &mut store,
        Effect::Bulk(BulkEffect::Plan {
            action: action.clone(),
            tickets: ids.clone(),
        }),
    );
    let Some(Event::Bulk(BulkEvent::Planned(plan))) = planned.first() else {
        panic!("{planned:?}");
    };
    assert_eq!(
        plan.headline(),
        "Reply `sizing` to 2 of 3 tickets: 1 skipped (already sent this template)"
    );
    // applied with all three, as if the preview were stale: the key still holds
    let applied = runner.perform(
        &mut store,
        Effect::Bulk(BulkEffect::Apply {
            action,
            tickets: ids.clone(),
        }),
    );
    assert!(
        matches!(applied.first(), Some(Event::Bulk(BulkEvent::Applied(said))) if said == "2 replies `sizing` queued, 1 skipped"),
        "{applied:?}"
    );
    drop(store);

    let dry = bulk_reply("", &["--dry-run", "--json"]);
    let dry: serde_json::Value = serde_json::from_str(&dry).unwrap();
    assert_eq!(dry["would_send"].as_array().unwrap().len(), 0, "{dry}");
    assert_eq!(dry["skipped"].as_array().unwrap().len(), 3, "{dry}");
    let rows: serde_json::Value = serde_json::from_str(&ok(
        shopdesk(&config_path, &db).args(["outbox", "list", "--json"])
    ))
    .unwrap();
    let mut tickets: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ticket_id"].as_i64().unwrap())
        .collect();
    tickets.sort_unstable();
    let mut want = ids;
    want.sort_unstable();
    assert_eq!(tickets, want, "one reply per ticket");
}
