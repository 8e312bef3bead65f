//! Snapshots of every console view at 100×30 and 80×24 (and one wide screen), drawn from
//! plain data with a fixed clock.

#![allow(clippy::unwrap_used)]

mod support;

use shopdesk::app::fixtures::{loaded_app, with_ticket};
use shopdesk::app::{Action, App, Event, update};
use shopdesk::domain::outbox::OutboxFailure;
use support::screen::{act, render};

fn views(w: u16, h: u16) -> Vec<(&'static str, App)> {
    let list = loaded_app(w, h);
    let mut thread = with_ticket(loaded_app(w, h));
    act(&mut thread, &[Action::Open]);
    let mut quotes = with_ticket(loaded_app(w, h));
    act(&mut quotes, &[Action::Open, Action::ToggleQuotes]);
    let mut help = loaded_app(w, h);
    act(&mut help, &[Action::Help]);
    let mut search = loaded_app(w, h);
    act(&mut search, &[Action::Search]);
    for c in "tag:wismo stauts:x".chars() {
        update(&mut search, Event::Char(c));
    }
    let mut palette = loaded_app(w, h);
    act(&mut palette, &[Action::Palette]);
    for c in "assign bob".chars() {
        update(&mut palette, Event::Char(c));
    }
    let mut composer = with_ticket(loaded_app(w, h));
    // Esc leaves the offered template for a reply of one's own.
    act(&mut composer, &[Action::Reply, Action::Back]);
    for c in "Thanks Anna, it ships today.".chars() {
        update(&mut composer, Event::Paste(c.to_string()));
    }
    let mut picker = with_ticket(loaded_app(w, h));
    // The ticket's order can be tracked: the reply opens on the offered `wismo`.
    act(&mut picker, &[Action::Reply]);
    update(
        &mut picker,
        Event::Preview(Ok(
            "Hi Anna,\n\nYour order 10023 is shipped.\nhttps://www.dhl.de/?piececode=00340434161094042557"
                .into(),
        )),
    );
    vec![
        ("list", list),
        ("thread", thread),
        ("thread_quotes", quotes),
        ("help", help),
        ("search", search),
        ("palette", palette),
        ("composer", composer),
        ("picker", picker),
    ]
}

#[test]
fn views_at_100x30() {
    for (name, app) in views(100, 30) {
        insta::assert_snapshot!(format!("{name}_100x30"), render(&app));
    }
}

#[test]
fn views_at_80x24() {
    for (name, app) in views(80, 24) {
        insta::assert_snapshot!(format!("{name}_80x24"), render(&app));
    }
}

#[test]
fn wide_screen_shows_the_customer_pane() {
    let mut app = with_ticket(loaded_app(170, 36));
    act(&mut app, &[Action::Open]);
    let screen = render(&app);
    assert!(
        screen.contains("Customer") && screen.contains("129.00 EUR"),
        "{screen}"
    );
    insta::assert_snapshot!("thread_170x36", screen);
}

/// A ticket the customer voted on shows the vote in their pane's ticket list.
#[test]
fn the_customer_pane_shows_each_tickets_vote() {
    use shopdesk::domain::vote::{Csat, Score};
    let mut app = with_ticket(loaded_app(170, 40));
    act(&mut app, &[Action::Open]);
    if let Some(c) = app.customer.as_mut() {
        c.tickets[1].rating = Some(Score::Csat(Csat::Bad));
    }
    let screen = render(&app);
    assert!(screen.contains("#77 solved 40d [csat bad]"), "{screen}");
    insta::assert_snapshot!("customer_vote_170x40", screen);
}

/// The ticket's order first, in full (items, total, dates, carrier, tracking link), then
/// the customer's other orders; the order key puts another one first.
#[test]
fn the_customer_pane_shows_the_tickets_order_first() {
    let mut app = with_ticket(loaded_app(170, 40));
    act(&mut app, &[Action::Open]);
    let screen = render(&app);
    let at = |s: &str| {
        screen
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing: {screen}"))
    };
    assert!(at("Order #10023") < at("Other orders"));
    assert!(at("Other orders") < at("#10031"));
    assert!(
        screen.contains("tracking  00340434161094042557"),
        "{screen}"
    );
    assert!(screen.contains("https://www.dhl.de/"), "{screen}");
    insta::assert_snapshot!("customer_order_170x40", screen);
    act(&mut app, &[Action::NextOrder]);
    let switched = render(&app);
    assert!(switched.contains("Order #10031"), "{switched}");
    insta::assert_snapshot!("customer_other_order_170x40", switched);
}

#[test]
fn nothing_from_a_mail_reaches_the_terminal_raw() {
    let app = loaded_app(100, 30);
    let screen = render(&app);
    assert!(!screen.contains('\u{1b}'));
    assert!(screen.contains("Parcel arrived damaged"), "{screen}");
}

/// A failure as the send worker stores a refusal: the server's words, then the server.
fn refusal(ticket: Option<i64>, permanent: bool) -> Option<OutboxFailure> {
    Some(OutboxFailure {
        ticket,
        error: "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown \
                in local recipient table (SMTP server 127.0.0.1:25)"
            .into(),
        permanent,
    })
}

fn status_bar(screen: &str) -> &str {
    screen.lines().rev().find(|l| l.contains('✗')).unwrap_or("")
}

#[test]
fn a_refused_reply_shows_its_ticket_and_the_servers_words_in_the_status_bar() {
    for (w, h) in [(80, 24), (120, 30)] {
        let mut app = loaded_app(w, h);
        update(&mut app, Event::Outbox(2, 1, refusal(Some(12), true)));
        let screen = render(&app);
        assert!(
            status_bar(&screen).contains(
                "✗ reply to #12 refused: 550 5.1.1 <nobody@example.test>: Recipient address"
            ),
            "{w}x{h}: {screen}"
        );
        insta::assert_snapshot!(format!("outbox_failure_{w}x{h}"), screen);
        // Once nothing has failed, the words go.
        update(&mut app, Event::Outbox(1, 0, refusal(Some(12), true)));
        assert!(!render(&app).contains("Recipient address"));
    }
    // Where there is room, the server's name and the queue come too.
    let mut wide = loaded_app(200, 30);
    update(&mut wide, Event::Outbox(2, 1, refusal(Some(12), true)));
    let screen = render(&wide);
    assert!(
        screen.contains("table (SMTP server 127.0.0.1:25) · 2 queued · not synced yet"),
        "{screen}"
    );
}

#[test]
fn several_failures_name_the_newest_ticket_and_a_passing_one_is_not_a_refusal() {
    let cases = [
        (3, Some(12), true, "✗ 3 failed, newest #12: 550 5.1.1"),
        (1, Some(12), false, "✗ reply to #12 failed: 550 5.1.1"),
        // A digest answers no ticket.
        (1, None, true, "✗ 1 failed: 550 5.1.1"),
    ];
    for (failed, ticket, permanent, bar) in cases {
        let mut app = loaded_app(120, 30);
        update(
            &mut app,
            Event::Outbox(0, failed, refusal(ticket, permanent)),
        );
        let screen = render(&app);
        assert!(status_bar(&screen).contains(bar), "{bar}: {screen}");
    }
    let mut app = loaded_app(120, 30);
    update(&mut app, Event::Outbox(0, 3, refusal(Some(12), true)));
    insta::assert_snapshot!("outbox_failures_120x30", render(&app));
}

/// What a new user sees: no account configured, nothing synced, and the way in.
fn no_accounts_app(w: u16, h: u16) -> App {
    let mut app = App::new("alice", "no accounts configured", 1_764_000_000);
    app.no_accounts = true;
    update(&mut app, Event::Resize(w, h));
    update(&mut app, Event::CountsLoaded(vec![Some(0); 9]));
    let query = app.list_query();
    update(
        &mut app,
        Event::ListLoaded(shopdesk::app::ListWindow {
            query,
            ..Default::default()
        }),
    );
    app
}

#[test]
fn with_no_accounts_the_empty_list_points_at_init_and_demo() {
    for (w, h) in [(100, 30), (80, 24)] {
        let screen = render(&no_accounts_app(w, h));
        // the words may wrap: look for them with the layout's spaces squeezed out
        let words: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        for part in [
            "No accounts configured",
            "`shopdesk init`",
            "`shopdesk demo`",
        ] {
            assert!(words.contains(part), "{part} at {w}x{h}:\n{screen}");
        }
        insta::assert_snapshot!(format!("no_accounts_{w}x{h}"), screen);
    }
    // with an account configured, an empty queue is only empty
    let mut app = no_accounts_app(100, 30);
    app.no_accounts = false;
    let screen = render(&app);
    assert!(screen.contains("No tickets here.") && !screen.contains("shopdesk init"));
}

/// The list at three widths, with the thread pane previewing the highlighted ticket where
/// it is on screen: names keep their room, the subject takes the rest, and CJK rows line
/// up with the others.
#[test]
fn the_list_gives_the_subject_the_room_at_80_150_and_200_columns() {
    use shopdesk::app::fixtures::{customer, detail};
    for (w, h) in [(80u16, 24u16), (150, 36), (200, 40)] {
        let mut app = loaded_app(w, h);
        update(
            &mut app,
            Event::PreviewLoaded(Box::new(detail()), Some(customer())),
        );
        let screen = render(&app);
        assert!(screen.contains("Parcel arrived damaged (red)"), "{screen}");
        if w >= 150 {
            assert!(screen.contains("#101 ·"), "the preview is shown: {screen}");
        }
        insta::assert_snapshot!(format!("list_preview_{w}x{h}"), screen);
    }
}

/// Saved views sit under the built-in queues with their counts.
#[test]
fn views_are_listed_after_the_built_in_queues() {
    let mut app = loaded_app(150, 30);
    app.add_views([
        ("VIP", "tag:vip -status:solved"),
        ("退货 returns", "tag:return"),
    ]);
    update(
        &mut app,
        Event::CountsLoaded(vec![
            Some(5),
            Some(2),
            Some(1),
            Some(3),
            Some(1),
            Some(2),
            Some(0),
            Some(1),
            Some(6),
            Some(4),
            Some(12),
        ]),
    );
    let screen = render(&app);
    assert!(screen.contains("VIP"), "{screen}");
    insta::assert_snapshot!("views_150x30", screen);
}

/// A repeat contact is marked before its number; the columns stay where they were.
#[test]
fn repeat_contacts_are_marked_in_the_list() {
    let mut app = loaded_app(80, 24);
    for i in [0, 2] {
        app.list.rows[i].repeat = true;
    }
    let screen = render(&app);
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains('#')).collect();
    assert!(rows.iter().any(|l| l.contains("↻#101 new")), "{screen}");
    assert!(rows.iter().any(|l| l.contains("   #102 open")), "{screen}");
    insta::assert_snapshot!("list_repeat_80x24", screen);
}

/// The customer pane marks their repeat contacts as the list does.
#[test]
fn the_customer_pane_marks_repeat_contacts() {
    use shopdesk::app::fixtures::{customer, detail};
    let mut app = loaded_app(170, 36);
    let mut c = customer();
    c.tickets[0].repeat = true;
    c.tickets[1].repeat = true;
    update(&mut app, Event::TicketLoaded(Box::new(detail()), Some(c)));
    act(&mut app, &[Action::Open]);
    let screen = render(&app);
    assert!(
        screen.contains("↻#101 new") && screen.contains("↻#77 solved"),
        "{screen}"
    );
    insta::assert_snapshot!("customer_repeat_170x36", screen);
}

/// On a narrow screen the queue bar scrolls: the selected queue stays in view, and `‹` and
/// `›` say there are more on either side.
#[test]
fn the_queue_bar_keeps_the_selected_queue_in_view() {
    let mut app = loaded_app(80, 24);
    let bar = |app: &App| render(app).lines().nth(1).unwrap_or_default().to_string();
    let first = bar(&app);
    assert!(first.contains(" Open 5 ") && first.contains('›') && !first.contains('‹'));
    app.queue_selected = app.queues.len() - 1;
    let last = bar(&app);
    assert!(last.contains(" All 6 ") && last.contains('‹') && !last.contains('›'));
    assert!(!last.contains(" Open 5 "), "{last}");
}

/// A priority an agent set shows in the open ticket's header; a normal one says nothing.
#[test]
fn the_thread_header_says_a_priority_an_agent_set() {
    let mut app = with_ticket(loaded_app(100, 30));
    act(&mut app, &[Action::Open]);
    assert!(!render(&app).contains("priority"));
    if let Some(t) = app.ticket.as_mut() {
        t.ticket.priority = shopdesk::domain::Priority::Urgent;
    }
    let screen = render(&app);
    assert!(screen.contains("· priority urgent"), "{screen}");
}
