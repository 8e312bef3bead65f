//! The mail rules as a table: facts in, changes out.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::sla::BusinessHours;
use crate::domain::subject::normalize_subject;

fn ts(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

const DATE: i64 = 1_795_510_800; // a Tuesday, 09:00 UTC

fn mail(direction: Direction) -> MailFacts<'static> {
    MailFacts {
        message_id: "m1@x",
        direction,
        placed_by: PlacedBy::References,
        trusted: true,
        date: ts(DATE),
        from: "anna@x.example",
        auto_submitted: false,
        language: Some("sv"),
        history: false,
        report: false,
        undelivered: false,
    }
}

fn existing(status: Status) -> TicketNow {
    TicketNow {
        status,
        language: None,
        due: None,
        first_response: None,
        has_customer: true,
        from_known: true,
        written: Written::default(),
    }
}

fn added(direction: Direction) -> TicketChange {
    TicketChange::MessageAdded {
        message_id: "m1@x".into(),
        direction,
        placed_by: PlacedBy::References,
    }
}

fn status(status: Status, cause: StatusCause) -> TicketChange {
    TicketChange::StatusSet { status, cause }
}

fn bounced() -> TicketChange {
    TicketChange::Tagged {
        tag: BOUNCED_TAG.into(),
    }
}

fn lang() -> TicketChange {
    TicketChange::LanguageSet {
        language: "sv".into(),
    }
}

#[test]
fn mail_makes_the_changes_its_rules_say() {
    use Direction::{In, Out};
    use Status::*;
    use StatusCause::*;
    let hours = BusinessHours::default();
    let orders = OrderFinder::default();
    let sla = MailRules {
        first_response: Some((Duration::hours(8), &hours)),
        shop_reply_status: Some(Pending),
        orders: &orders,
    };
    let plain = MailRules {
        first_response: None,
        shop_reply_status: Some(Pending),
        orders: &orders,
    };
    let leave = MailRules {
        first_response: None,
        shop_reply_status: None,
        orders: &orders,
    };
    let due = add_business_time(ts(DATE), Duration::hours(8), &hours);
    let lang = || TicketChange::LanguageSet {
        language: "sv".into(),
    };
    // Parsed subjects are sanitised already; the shown one is cleaned again all the same.
    let raw_subject = "Re: Where is\u{1b}[31m my order?";
    let new = |customer| TicketFacts::New {
        account: "shop",
        subject: raw_subject,
        customer,
    };
    let created = |st| {
        TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Re: Where is my order?".into(),
            normalized_subject: normalize_subject(raw_subject),
            status: st,
            customer: Some(7),
        })
    };
    let history = MailFacts {
        history: true,
        ..mail(In)
    };
    let robot = MailFacts {
        auto_submitted: true,
        ..mail(Out)
    };
    let stranger = MailFacts {
        trusted: false,
        ..mail(In)
    };
    let bounce = MailFacts {
        report: true,
        ..mail(In)
    };
    let receipt_sent = MailFacts {
        report: true,
        ..mail(Out)
    };
    let answered = TicketNow {
        first_response: Some(ts(DATE - 60)),
        due: Some(ts(DATE + 60)),
        language: Some("en".into()),
        ..existing(Open)
    };
    let second_address = TicketNow {
        from_known: false,
        ..existing(Pending)
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, MailFacts, TicketFacts, MailRules, Vec<TicketChange>)> = vec![
        ("a customer begins a ticket, with a due time", mail(In), new(Some(7)), sla,
         vec![created(New), added(In), lang(), TicketChange::DueSet { due: Some(due) }]),
        ("without a target, no due time", mail(In), new(Some(7)), plain,
         vec![created(New), added(In), lang()]),
        ("history starts no clock", history.clone(), new(Some(7)), sla,
         vec![created(New), added(In), lang()]),
        ("the shop begins a ticket: pending, answered", mail(Out), new(Some(7)), sla,
         vec![created(Pending), added(Out), TicketChange::FirstResponse { at: ts(DATE) }]),
        ("a customer's reply reopens", mail(In), TicketFacts::Existing(existing(Solved)), plain,
         vec![added(In), status(Open, CustomerReply), lang()]),
        ("a new ticket stays new", mail(In), TicketFacts::Existing(existing(New)), plain,
         vec![added(In), lang()]),
        ("a due time is kept, a language too", mail(In), TicketFacts::Existing(answered.clone()), sla,
         vec![added(In)]),
        ("a second address, threaded by headers, is learned", mail(In),
         TicketFacts::Existing(second_address.clone()), plain,
         vec![added(In), status(Open, CustomerReply), lang(),
              TicketChange::AddressLearned { email: "anna@x.example".into() }]),
        ("a stranger's address is not", stranger, TicketFacts::Existing(second_address), plain,
         vec![added(In), status(Open, CustomerReply), lang()]),
        ("the shop answers: first response, clock stops, pending", mail(Out),
         TicketFacts::Existing(TicketNow { due: Some(due), ..existing(New) }), sla,
         vec![added(Out), TicketChange::FirstResponse { at: ts(DATE) },
              TicketChange::DueSet { due: None }, status(Pending, ShopReply)]),
        ("a later answer keeps the first", mail(Out), TicketFacts::Existing(answered), leave,
         vec![added(Out), TicketChange::DueSet { due: None }]),
        ("an answer leaves a solved ticket", mail(Out), TicketFacts::Existing(existing(Solved)), sla,
         vec![added(Out), TicketChange::FirstResponse { at: ts(DATE) }]),
        ("an acknowledgement is not an answer", robot, TicketFacts::Existing(existing(New)), sla,
         vec![added(Out)]),
        ("a delay notice is filed: it reopens nothing, starts no clock", bounce.clone(),
         TicketFacts::Existing(TicketNow { from_known: false, ..existing(Solved) }), sla,
         vec![added(In)]),
        ("a bounce gives a waiting ticket back to the shop, with no clock",
         MailFacts { undelivered: true, ..bounce.clone() },
         TicketFacts::Existing(TicketNow { from_known: false, ..existing(Pending) }), sla,
         vec![added(In), status(Open, Undelivered), bounced()]),
        ("a bounce leaves a new ticket new", MailFacts { undelivered: true, ..bounce.clone() },
         TicketFacts::Existing(existing(New)), sla, vec![added(In), bounced()]),
        ("a bounce begins a ticket of its own, tagged", MailFacts { undelivered: true, ..bounce.clone() },
         new(Some(7)), sla, vec![created(New), added(In), bounced()]),
        ("a report begins its ticket, new, with no clock and no language", bounce,
         new(Some(7)), sla, vec![created(New), added(In)]),
        ("a read receipt the shop sent is no answer", receipt_sent,
         TicketFacts::Existing(TicketNow { due: Some(due), ..existing(New) }), sla,
         vec![added(Out)]),
    ];
    for (name, facts, ticket, rules, want) in cases {
        assert_eq!(decide(&facts, &ticket, &rules), want, "{name}");
    }
}

/// Mail arriving after mail written later: it moves the ticket only as it would have,
/// had it arrived in the order of its Date; at equal times the one arriving is the newer.
#[test]
fn mail_arriving_late_moves_what_its_date_says() {
    use Direction::{In, Out};
    use Status::*;
    use StatusCause::*;
    let hours = BusinessHours::default();
    let orders = OrderFinder::default();
    let sla = MailRules {
        first_response: Some((Duration::hours(8), &hours)),
        shop_reply_status: Some(Pending),
        orders: &orders,
    };
    let leave = MailRules {
        first_response: Some((Duration::hours(8), &hours)),
        shop_reply_status: None,
        orders: &orders,
    };
    let (hour, day) = (Duration::hours(1), Duration::days(1));
    let at = |facts: MailFacts<'static>, t| MailFacts { date: t, ..facts };
    let due_from = |t| add_business_time(t, Duration::hours(8), &hours);
    let (a, r, b) = (ts(DATE - 7200), ts(DATE), ts(DATE + 3600));
    // the customer wrote at a and b; the clock runs from a, nobody has answered
    let asked_twice = TicketNow {
        due: Some(due_from(a)),
        written: Written {
            customer: vec![a, b],
            answers: vec![],
            ..Written::default()
        },
        ..existing(New)
    };
    // the customer wrote at a, the shop answered at r
    let answered = TicketNow {
        first_response: Some(r),
        written: Written {
            customer: vec![a],
            answers: vec![r],
            ..Written::default()
        },
        ..existing(Pending)
    };
    let first = |t| TicketChange::FirstResponse { at: t };
    let due = |t| TicketChange::DueSet {
        due: Some(due_from(t)),
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, MailFacts, TicketNow, MailRules, Vec<TicketChange>)> = vec![
        ("an answer written between them answered a: b waits, the ticket is open",
         at(mail(Out), r), asked_twice.clone(), sla,
         vec![added(Out), first(r), due(b), status(Open, ShopReply)]),
        ("without a reply status, a new ticket stays new, the clock still moves to b",
         at(mail(Out), r), asked_twice.clone(), leave,
         vec![added(Out), first(r), due(b)]),
        ("an answer written before both: the clock stays with a",
         at(mail(Out), a - hour), asked_twice.clone(), sla,
         vec![added(Out), first(a - hour), status(Open, ShopReply)]),
        ("an answer written after both is the newest: the clock stops, pending",
         at(mail(Out), b + hour), asked_twice.clone(), sla,
         vec![added(Out), first(b + hour), TicketChange::DueSet { due: None },
              status(Pending, ShopReply)]),
        ("an answer at b's very time arrives after it: the shop spoke last",
         at(mail(Out), b), asked_twice.clone(), sla,
         vec![added(Out), first(b), TicketChange::DueSet { due: None },
              status(Pending, ShopReply)]),
        ("a late answer leaves an open ticket open",
         at(mail(Out), r), TicketNow { status: Open, ..asked_twice.clone() }, sla,
         vec![added(Out), first(r), due(b)]),
        ("an earlier answer than the first known is the first response",
         at(mail(Out), a + hour), TicketNow { first_response: Some(r), ..answered.clone() }, sla,
         vec![added(Out), first(a + hour)]),
        ("a customer's message older than the answer was answered: nothing moves",
         at(mail(In), r - hour), answered.clone(), sla,
         vec![added(In), lang()]),
        ("one at the answer's very time arrives after it: the customer spoke last",
         at(mail(In), r), answered.clone(), sla,
         vec![added(In), status(Open, CustomerReply), lang(), due(r)]),
        ("one written after it reopens and starts the clock",
         at(mail(In), r + hour), answered.clone(), sla,
         vec![added(In), status(Open, CustomerReply), lang(), due(r + hour)]),
        ("an unanswered message older than the one the clock runs from moves the clock to it",
         at(mail(In), a - day), asked_twice.clone(), sla,
         vec![added(In), lang(), due(a - day)]),
        ("one naming the answer was written after it, whatever its Date says",
         MailFacts { date: r - day, ..mail(In) },
         TicketNow { written: Written { named: Some(r), ..answered.written.clone() }, ..answered.clone() },
         sla, vec![added(In), status(Open, CustomerReply), lang(), due(r)]),
        ("one carrying our token too: our first message gave it the token",
         MailFacts { date: r - day, placed_by: PlacedBy::Token, ..mail(In) },
         TicketNow { written: Written { first_out: Some(r), ..answered.written.clone() }, ..answered.clone() },
         sla, vec![TicketChange::MessageAdded {
                    message_id: "m1@x".into(),
                    direction: In,
                    placed_by: PlacedBy::Token,
                }, status(Open, CustomerReply), lang(), due(r)]),
        ("a newer unanswered one leaves the clock where it is",
         at(mail(In), b + hour), asked_twice, sla,
         vec![added(In), lang()]),
    ];
    for (name, facts, now, rules, want) in cases {
        assert_eq!(
            decide(&facts, &TicketFacts::Existing(now), &rules),
            want,
            "{name}"
        );
    }
}

/// The same mail in either order ends in the same place (at one time, the one arriving
/// last is the newer, so that order is told by the cases above).
#[test]
fn either_order_ends_alike() {
    let hours = BusinessHours::default();
    let orders = OrderFinder::default();
    let rules = MailRules {
        first_response: Some((Duration::hours(8), &hours)),
        shop_reply_status: Some(Status::Pending),
        orders: &orders,
    };
    let (a, r, b) = (ts(DATE - 7200), ts(DATE), ts(DATE + 3600));
    let start = TicketNow {
        due: Some(add_business_time(a, Duration::hours(8), &hours)),
        written: Written {
            customer: vec![a],
            answers: vec![],
            ..Written::default()
        },
        ..existing(Status::New)
    };
    // (direction, date) in arrival order; every order of a shop answer and a customer
    // message, apart and at one time
    type Arrivals<'a> = &'a [(Direction, DateTime<Utc>)];
    let orders: &[(&str, Arrivals, Arrivals)] = &[
        (
            "apart",
            &[(Direction::Out, r), (Direction::In, b)],
            &[(Direction::In, b), (Direction::Out, r)],
        ),
        (
            "customer first",
            &[(Direction::In, r), (Direction::Out, b)],
            &[(Direction::Out, b), (Direction::In, r)],
        ),
    ];
    for (name, one, other) in orders {
        let end = |arrivals: &[(Direction, DateTime<Utc>)]| {
            let mut now = start.clone();
            for (direction, date) in arrivals {
                let facts = MailFacts {
                    date: *date,
                    ..mail(*direction)
                };
                for change in decide(&facts, &TicketFacts::Existing(now.clone()), &rules) {
                    follow(&mut now, &change);
                }
                match direction {
                    Direction::In => now.written.customer.push(*date),
                    _ => now.written.answers.push(*date),
                }
            }
            (now.status, now.due, now.first_response)
        };
        assert_eq!(end(one), end(other), "{name}");
    }
}

/// What the store does with a change, on the facts the rules read.
fn follow(now: &mut TicketNow, change: &TicketChange) {
    match change {
        TicketChange::StatusSet { status, .. } => now.status = *status,
        TicketChange::DueSet { due } => now.due = *due,
        TicketChange::FirstResponse { at } => now.first_response = Some(*at),
        TicketChange::LanguageSet { language } => now.language = Some(language.clone()),
        _ => {}
    }
}

#[test]
fn mail_from_the_shop_is_outgoing() {
    let shop = Address::new("shop@x.example", None);
    let anna = Address::new("anna@x.example", Some("Anna"));
    let is_own = |e: &str| e == "shop@x.example";
    let to = [shop.clone(), anna.clone()];
    let out = sides(Some(&shop), &to, &is_own);
    assert_eq!((out.direction, out.customer), (Direction::Out, Some(&anna)));
    let inbound = sides(Some(&anna), std::slice::from_ref(&shop), &is_own);
    assert_eq!(
        (inbound.direction, inbound.customer),
        (Direction::In, Some(&anna))
    );
    let to_self = sides(Some(&shop), std::slice::from_ref(&shop), &is_own);
    assert_eq!(
        (to_self.direction, to_self.customer),
        (Direction::Out, None)
    );
    let nobody = sides(None, &[], &is_own);
    assert_eq!((nobody.direction, nobody.customer), (Direction::In, None));
}

#[test]
fn history_settles_once() {
    let day = 86_400;
    let now = 100 * day;
    assert_eq!(
        settle(Status::New, None, Some(now - 20 * day), None, now, 14 * day),
        [status(Status::Solved, StatusCause::History)]
    );
    assert_eq!(
        settle(
            Status::New,
            Some(ts(now)),
            Some(now - 3 * day),
            Some(now - 2 * day),
            now,
            14 * day
        ),
        [
            status(Status::Pending, StatusCause::History),
            TicketChange::DueSet { due: None }
        ]
    );
    assert!(settle(Status::New, None, Some(now - day), None, now, 14 * day).is_empty());
}
