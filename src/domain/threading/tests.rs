//! Table tests of `place` over an in-memory lookup.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

/// The default order pattern, `#{number}`.
static ORDERS: std::sync::LazyLock<OrderFinder> = std::sync::LazyLock::new(OrderFinder::default);

struct FakeTicket {
    addresses: Vec<&'static str>,
    subject: &'static str,
    updated: DateTime<Utc>,
    /// As stored: `None` is the subject normalised with the default order pattern.
    normalized: Option<String>,
}

struct Fake {
    tickets: HashMap<TicketId, FakeTicket>,
    messages: HashMap<&'static str, TicketId>,
    /// Merged ticket → the ticket it was merged into.
    merged: HashMap<TicketId, TicketId>,
}

impl ThreadLookup for Fake {
    fn ticket(&self, id: TicketId) -> Option<TicketFacts> {
        let id = self.merged.get(&id).copied().unwrap_or(id);
        self.tickets.get(&id).map(|t| TicketFacts {
            id,
            addresses: t.addresses.iter().map(|a| a.to_string()).collect(),
        })
    }
    fn find_message(&self, message_id: &str, _correspondent: &str) -> Option<KnownMessage> {
        // our reply `out3@shop` is known only to the outbox
        self.messages.get(message_id).map(|&ticket| KnownMessage {
            ticket,
            row: (!message_id.starts_with("out")).then_some(message_id.len() as i64),
        })
    }
    fn recent_tickets_by_subject(
        &self,
        customer: &str,
        normalized_subject: &str,
        since: DateTime<Utc>,
    ) -> Vec<SubjectTicket> {
        let mut found: Vec<_> = self
            .tickets
            .iter()
            .filter(|(_, t)| {
                let stored = t
                    .normalized
                    .clone()
                    .unwrap_or_else(|| normalize_subject(t.subject));
                t.addresses.contains(&customer)
                    && stored == normalized_subject
                    && t.updated >= since
            })
            .collect();
        found.sort_by_key(|(id, t)| std::cmp::Reverse((t.updated, **id)));
        found
            .into_iter()
            .map(|(id, t)| SubjectTicket {
                id: *id,
                subject: t.subject.to_string(),
            })
            .collect()
    }
}

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0)
        .single()
        .expect("date")
}

/// Ticket 1: Anna (two addresses), "Where is my order?", messages a1, a2.
/// Ticket 2: Ben, "Wrong size", message b1, last active on the 1st.
/// Ticket 3: Anna, "Invoice", our reply out3 recorded by the outbox.
/// Ticket 4: Cem, "Siparişim nerede", message c1.
/// Ticket 5: Anna, "Where is my order (#1002)".
/// Ticket 6 was merged into ticket 2.
/// Ticket 7: a bounce from the mail system, "Undelivered Mail Returned to Sender".
fn world() -> Fake {
    let mut tickets = HashMap::new();
    tickets.insert(
        1,
        FakeTicket {
            addresses: vec!["anna@example.test", "anna.work@example.test"],
            subject: "Where is my order?",
            updated: day(20),
            normalized: None,
        },
    );
    tickets.insert(
        2,
        FakeTicket {
            addresses: vec!["ben@example.test"],
            subject: "Wrong size",
            updated: day(1),
            normalized: None,
        },
    );
    tickets.insert(
        3,
        FakeTicket {
            addresses: vec!["anna@example.test", "anna.work@example.test"],
            subject: "Invoice",
            updated: day(21),
            normalized: None,
        },
    );
    tickets.insert(
        4,
        FakeTicket {
            addresses: vec!["cem@example.test"],
            subject: "Siparişim nerede",
            updated: day(22),
            normalized: None,
        },
    );
    tickets.insert(
        5,
        FakeTicket {
            addresses: vec!["anna@example.test"],
            subject: "Where is my order (#1002)",
            updated: day(22),
            normalized: None,
        },
    );
    tickets.insert(
        7,
        FakeTicket {
            addresses: vec!["mailer-daemon@mx.example.test"],
            subject: "Undelivered Mail Returned to Sender",
            updated: day(23),
            normalized: None,
        },
    );
    let messages = HashMap::from([
        ("a1@anna", 1),
        ("a2@anna", 1),
        ("b1@ben", 2),
        ("out3@shop", 3),
        ("c1@cem", 4),
    ]);
    Fake {
        tickets,
        messages,
        merged: HashMap::from([(6, 2)]),
    }
}

struct Case {
    name: &'static str,
    message_id: Option<&'static str>,
    in_reply_to: &'static [&'static str],
    references: &'static [&'static str],
    subject: &'static str,
    from: &'static str,
    customer: &'static str,
    outgoing: bool,
    date: DateTime<Utc>,
    want: Option<(TicketId, PlacedBy)>,
    warns: bool,
    /// A mail system's report: `Some(None)` without, `Some(Some(id))` with the id of the
    /// message it reports on.
    report: Option<Option<&'static str>>,
}

const fn case(name: &'static str, subject: &'static str, from: &'static str) -> Case {
    Case {
        name,
        message_id: None,
        in_reply_to: &[],
        references: &[],
        subject,
        from,
        customer: from,
        outgoing: false,
        date: DateTime::from_timestamp_nanos(0),
        want: None,
        warns: false,
        report: None,
    }
}

#[test]
fn placement_table() {
    use PlacedBy::*;
    let anna = "anna@example.test";
    let stranger = "mallory@evil.example";
    let cases = vec![
        Case {
            want: Some((1, Token)),
            ..case(
                "token from the customer",
                "Re: [SHOP #1] Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Token)),
            ..case("token with lower-case tag", "Re: [shop #1] Where", anna)
        },
        Case {
            want: Some((1, Token)),
            ..case("token without space", "[SHOP#1] hi", anna)
        },
        Case {
            want: Some((1, Token)),
            ..case("token at the end", "Where is my order? [SHOP #1]", anna)
        },
        Case {
            want: Some((1, Token)),
            ..case(
                "customer's second address",
                "Re: [SHOP #1] Where",
                "anna.work@example.test",
            )
        },
        Case {
            want: None,
            ..case("other helpdesk's tag", "Re: [OTHER #1] Where is it", anna)
        },
        Case {
            want: None,
            ..case("bare number token", "Re: [#1] Where is it", anna)
        },
        Case {
            want: None,
            ..case(
                "token for a missing ticket",
                "Re: [SHOP #999] Something new",
                anna,
            )
        },
        Case {
            want: None,
            ..case("token overflow", "[SHOP #99999999999999999999] x", anna)
        },
        Case {
            want: Some((1, Token)),
            warns: true,
            ..case("token from a stranger", "Re: [SHOP #1] Refund", stranger)
        },
        Case {
            want: Some((1, Token)),
            in_reply_to: &["a2@anna"],
            ..case(
                "stranger with headers to the same ticket",
                "Re: [SHOP #1] Refund",
                stranger,
            )
        },
        Case {
            want: Some((1, Token)),
            warns: true,
            in_reply_to: &["b1@ben"],
            ..case(
                "stranger with headers to another ticket",
                "Re: [SHOP #1] Refund",
                stranger,
            )
        },
        Case {
            want: Some((1, Token)),
            outgoing: true,
            ..case(
                "our reply from another client",
                "Re: [SHOP #1] Where",
                "shop@example.test",
            )
        },
        Case {
            want: Some((2, Token)),
            ..case(
                "first valid token wins",
                "[OTHER #1] [SHOP #2] [SHOP #1]",
                "ben@example.test",
            )
        },
        Case {
            want: Some((2, Token)),
            ..case(
                "a merged ticket's token threads onto the survivor",
                "Re: [SHOP #6] Wrong size",
                "ben@example.test",
            )
        },
        Case {
            want: Some((1, References)),
            in_reply_to: &["a2@anna"],
            ..case("in-reply-to", "Re: Where is my order?", anna)
        },
        Case {
            want: Some((1, References)),
            references: &["unknown@x", "a1@anna", "gone@x"],
            ..case("older reference known", "Re: something else", anna)
        },
        Case {
            want: Some((2, References)),
            in_reply_to: &["b1@ben"],
            references: &["a1@anna"],
            ..case("in-reply-to before references", "Re: x", anna)
        },
        Case {
            want: Some((4, References)),
            references: &["a1@anna", "c1@cem"],
            ..case("newest reference first", "Re: x", "cem@example.test")
        },
        Case {
            want: Some((1, Subject)),
            references: &["unknown@x"],
            date: day(24),
            ..case(
                "unknown references fall to subject",
                "Re: Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case("subject within window", "RE: Where is my order?", anna)
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "subject from second address",
                "Fwd: where IS my order?",
                "anna.work@example.test",
            )
        },
        Case {
            want: None,
            date: day(24),
            ..case(
                "same subject, other customer",
                "Re: Where is my order?",
                "zoe@example.test",
            )
        },
        Case {
            want: None,
            date: Utc
                .with_ymd_and_hms(2027, 1, 30, 0, 0, 0)
                .single()
                .expect("d"),
            ..case("subject outside window", "Re: Where is my order?", anna)
        },
        Case {
            want: Some((2, Subject)),
            date: day(24),
            ..case(
                "subject just inside window",
                "SV: Wrong size",
                "ben@example.test",
            )
        },
        Case {
            want: Some((4, Subject)),
            date: day(24),
            ..case(
                "turkish prefix",
                "Ynt: Siparişim nerede",
                "cem@example.test",
            )
        },
        Case {
            want: None,
            date: day(24),
            ..case("generic subject never threads", "hi", anna)
        },
        Case {
            want: None,
            date: day(24),
            ..case("empty subject never threads", "", anna)
        },
        Case {
            want: Some((3, References)),
            message_id: Some("out3@shop"),
            outgoing: true,
            ..case(
                "our own reply threads by its message-id",
                "Re: Invoice",
                "shop@example.test",
            )
        },
        Case {
            want: Some((1, References)),
            message_id: Some("a1@anna"),
            ..case("redelivered copy", "Where is my order?", anna)
        },
        Case {
            want: Some((1, Subject)),
            outgoing: true,
            customer: anna,
            date: day(24),
            ..case(
                "outgoing by subject to the customer",
                "Re: Where is my order?",
                "shop@example.test",
            )
        },
        Case {
            want: None,
            outgoing: true,
            customer: "zoe@example.test",
            date: day(24),
            ..case(
                "outgoing never by subject to another customer",
                "Re: Where is my order?",
                "shop@example.test",
            )
        },
        Case {
            want: None,
            date: day(24),
            ..case("a brand new question", "Do you ship to Norway?", anna)
        },
        Case {
            want: None,
            date: day(24),
            ..case(
                "bidi characters do not fake a token",
                "[SHOP \u{202e}#1] x",
                stranger,
            )
        },
    ];
    assert!(cases.len() >= 30);
    check(&cases);
}

/// Places each case's message in `world()` and checks where it went, and whether it warned.
fn check(cases: &[Case]) {
    let world = world();
    for c in cases {
        let date = if c.date.timestamp() == 0 {
            day(24)
        } else {
            c.date
        };
        let in_reply_to: Vec<String> = c.in_reply_to.iter().map(|s| s.to_string()).collect();
        let references: Vec<String> = c.references.iter().map(|s| s.to_string()).collect();
        let report = c.report.map(|original| MailReport {
            original: original.map(str::to_string),
            recipient: None,
            undelivered: false,
        });
        let input = ThreadInput {
            tag: "SHOP",
            message_id: c.message_id,
            in_reply_to: &in_reply_to,
            references: &references,
            subject: c.subject,
            from: c.from,
            customer: c.customer,
            outgoing: c.outgoing,
            date,
            orders: &ORDERS,
            report: report.as_ref(),
        };
        let got = place(&input, &world, Duration::days(30));
        match (&got, c.want) {
            (Placement::New, None) => {}
            (
                Placement::Existing {
                    ticket,
                    by,
                    warning,
                    ..
                },
                Some((t, b)),
            ) => {
                assert_eq!((*ticket, *by), (t, b), "{}", c.name);
                assert_eq!(
                    warning.is_some(),
                    c.warns,
                    "{}: warning {warning:?}",
                    c.name
                );
            }
            _ => panic!("{}: got {got:?}, want {:?}", c.name, c.want),
        }
    }
}

#[test]
fn stranger_warning_names_token_and_sender() {
    let world = world();
    let input = ThreadInput {
        tag: "SHOP",
        message_id: None,
        in_reply_to: &[],
        references: &[],
        subject: "Re: [SHOP #1] Refund now",
        from: "mallory@evil.example",
        customer: "mallory@evil.example",
        outgoing: false,
        date: day(24),
        orders: &ORDERS,
        report: None,
    };
    let Placement::Existing {
        warning: Some(w), ..
    } = place(&input, &world, default_subject_window())
    else {
        panic!("expected a warning");
    };
    assert!(
        w.contains("[SHOP #1]") && w.contains("mallory@evil.example"),
        "{w}"
    );
}

/// Each rule records what it matched: the token as written (a merged number included),
/// the id answered and its row, the ticket whose subject matched.
#[test]
fn placements_say_what_matched() {
    let world = world();
    let input = |subject, in_reply_to: &'static [String], message_id, from| ThreadInput {
        tag: "SHOP",
        message_id,
        in_reply_to,
        references: &[],
        subject,
        from,
        customer: from,
        outgoing: false,
        date: day(24),
        orders: &ORDERS,
        report: None,
    };
    static ANSWERS_A2: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| vec!["a2@anna".to_string()]);
    static ANSWERS_OUT3: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| vec!["out3@shop".to_string()]);
    let anna = "anna@example.test";
    let ben = "ben@example.test";
    #[rustfmt::skip]
    let cases = [
        (input("Re: [SHOP #6] Wrong size", &[], None, ben),
         Some(Matched::Token { token: "[SHOP #6]".into(), number: 6 })),
        (input("Re: Where", &ANSWERS_A2, None, anna),
         Some(Matched::Answers { message_id: "a2@anna".into(), message: Some(7) })),
        (input("Re: Invoice", &ANSWERS_OUT3, None, anna),
         Some(Matched::Answers { message_id: "out3@shop".into(), message: None })),
        (input("Where is my order?", &[], Some("a1@anna"), anna),
         Some(Matched::SameMessageId { message_id: "a1@anna".into(), message: Some(7) })),
        (input("Re: Where is my order?", &[], None, anna),
         Some(Matched::Subject { ticket: 1, subject: "where is my order?".into(),
                                 customer: anna.into() })),
        (input("Do you ship to Norway?", &[], None, anna), None),
    ];
    for (i, want) in cases {
        let placed = place(&i, &world, default_subject_window()).placed(Vec::new());
        assert_eq!(placed.matched, want, "{}", i.subject);
    }
}

#[test]
fn warnings_gather_in_the_record() {
    let world = world();
    let input = ThreadInput {
        tag: "SHOP",
        message_id: None,
        in_reply_to: &[],
        references: &[],
        subject: "Re: [SHOP #1] Refund now",
        from: "mallory@evil.example",
        customer: "mallory@evil.example",
        outgoing: false,
        date: day(24),
        orders: &ORDERS,
        report: None,
    };
    let placed = place(&input, &world, default_subject_window())
        .placed(vec!["another message has the same Message-ID".into()]);
    assert_eq!(placed.by, PlacedBy::Token);
    assert_eq!(placed.warnings.len(), 2, "{:?}", placed.warnings);
}

mod foreign_tokens;
mod orders;
mod reports;
