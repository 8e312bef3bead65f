//! Threading with the shop's own order numbers (`[orders] number_pattern`): a subject naming
//! one of the shop's orders threads only onto that order's conversation.

use super::*;

/// Anna asked about two orders in the same words; Ben's subject carries the shop's previous
/// helpdesk's token. Ticket 21 was stored with the `SD-{number}` pattern, ticket 22 before
/// it (its order number normalised away).
fn orders_world(sd: &OrderFinder) -> Fake {
    let anna = vec!["anna@example.test"];
    let ticket = |addresses: &Vec<&'static str>, subject, updated, normalized| FakeTicket {
        addresses: addresses.clone(),
        subject,
        updated,
        normalized,
    };
    let first = "[SD-1001] Where is my parcel?";
    Fake {
        tickets: HashMap::from([
            (
                21,
                ticket(
                    &anna,
                    first,
                    day(20),
                    Some(normalize_subject_for(first, sd)),
                ),
            ),
            (
                22,
                ticket(&anna, "[SD-1002] Where is my parcel?", day(21), None),
            ),
            (
                23,
                ticket(
                    &vec!["ben@example.test"],
                    "[#1677] Strap broke",
                    day(21),
                    None,
                ),
            ),
        ]),
        messages: HashMap::new(),
        merged: HashMap::new(),
    }
}

/// With `SD-{number}`, a subject naming one of the shop's orders threads only onto that
/// order's conversation; the default `#{number}` keeps today's reading.
#[test]
fn own_order_numbers_table() {
    use crate::domain::order_mention::NumberPattern;
    use PlacedBy::*;
    let finder = |p: &str| {
        let pattern = NumberPattern::parse(p).expect("pattern");
        OrderFinder::new(pattern).expect("finder")
    };
    let (default, sd) = (finder("#{number}"), finder("SD-{number}"));
    let world = orders_world(&sd);
    let (anna, ben) = ("anna@example.test", "ben@example.test");
    #[rustfmt::skip]
    type Want = Option<(TicketId, PlacedBy)>;
    let cases: &[(&str, &OrderFinder, &str, &str, Want)] = &[
        (
            "its own order's ticket",
            &sd,
            "Re: [SD-1001] Where is my parcel?",
            anna,
            Some((21, Subject)),
        ),
        (
            "a ticket stored before, naming the same order",
            &sd,
            "Re: [SD-1002] Where is my parcel?",
            anna,
            Some((22, Subject)),
        ),
        (
            "another order in the same words is another question",
            &sd,
            "[SD-1003] Where is my parcel?",
            anna,
            None,
        ),
        (
            "another desk's key goes, the order stays",
            &sd,
            "Re: [SUP-77] [SD-1001] Where is my parcel?",
            anna,
            Some((21, Subject)),
        ),
        (
            "the previous helpdesk's token still goes",
            &sd,
            "Re: [#1677] Strap broke",
            ben,
            Some((23, Subject)),
        ),
        (
            "our token decides first",
            &sd,
            "Re: [SHOP #22] [SD-1001] Where is my parcel?",
            anna,
            Some((22, Token)),
        ),
        (
            "not another customer's",
            &sd,
            "Re: [SD-1001] Where is my parcel?",
            ben,
            None,
        ),
        (
            "default: the number reads as another desk's key",
            &default,
            "[SD-1003] Where is my parcel?",
            anna,
            Some((22, Subject)),
        ),
        (
            "default: the previous helpdesk's token goes",
            &default,
            "Re: [#1677] Strap broke",
            ben,
            Some((23, Subject)),
        ),
    ];
    for (name, orders, subject, from, want) in cases {
        let input = ThreadInput {
            tag: "SHOP",
            message_id: None,
            in_reply_to: &[],
            references: &[],
            subject,
            from,
            customer: from,
            outgoing: false,
            date: day(24),
            orders,
            report: None,
        };
        let got = place(&input, &world, default_subject_window());
        let got = match got {
            Placement::Existing { ticket, by, .. } => Some((ticket, by)),
            Placement::New => None,
        };
        assert_eq!(got, *want, "{name}");
    }
}
