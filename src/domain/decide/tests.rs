//! The mail rules as a table: facts in, changes out.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::sla::BusinessHours;

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

#[test]
fn mail_makes_the_changes_its_rules_say() {
    use Direction::{In, Out};
    use Status::*;
    use StatusCause::*;
    let hours = BusinessHours::default();
    let sla = MailRules {
        first_response: Some((Duration::hours(8), &hours)),
        shop_reply_status: Some(Pending),
    };
    let plain = MailRules {
        first_response: None,
        shop_reply_status: Some(Pending),
    };
    let leave = MailRules {
        first_response: None,
        shop_reply_status: None,
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
    ];
    for (name, facts, ticket, rules, want) in cases {
        assert_eq!(decide(&facts, &ticket, &rules), want, "{name}");
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
