//! Other systems' tokens in a subject (a previous helpdesk's, Jira's, Kayako's, a mail
//! gateway's `[EXTERNAL]`, …) never split a customer's thread; the customer's own order
//! numbers and product codes are their words, and tell two questions apart.

use super::*;

#[test]
fn foreign_token_placement_table() {
    use PlacedBy::*;
    let anna = "anna@example.test";
    let cases = vec![
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "the previous helpdesk's token does not split the thread",
                "Re: [#1677] Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "nor a mail gateway's tag on the customer's side",
                "[EXTERNAL] RE: [#1677] Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "nor a reply prefix of another language",
                "ΑΠ: Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "nor a case number in parentheses",
                "RE: Where is my order? (Case 00981)",
                anna,
            )
        },
        Case {
            want: Some((2, Token)),
            date: day(24),
            ..case(
                "our token decides before another system's",
                "Re: [#1677] [SHOP #2] Where is my order?",
                "ben@example.test",
            )
        },
        Case {
            want: None,
            date: day(24),
            ..case(
                "an order number is not a token: another order is another question",
                "Where is my order? (Order #1002)",
                anna,
            )
        },
        Case {
            want: Some((5, Subject)),
            date: day(24),
            ..case(
                "the customer's order number in their subject is their question",
                "Re: Where is my order (#1002)",
                anna,
            )
        },
        Case {
            want: None,
            date: day(24),
            ..case(
                "another order number in the same words is another question",
                "Where is my order (#1003)",
                anna,
            )
        },
        Case {
            want: None,
            date: day(24),
            ..case(
                "a product code is the customer's words too",
                "Where is my order? [BP-1]",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "Jira's tag and key go",
                "Re: [JIRA] (PROJ-123) Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "Kayako's token goes",
                "[#ABC-123-45678]: Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "Salesforce's reference goes",
                "RE: Where is my order? [ ref:_00D5g0ABC._5005g0XYZ:ref ]",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "a case number at the end goes",
                "Where is my order? [Case #00123456]",
                anna,
            )
        },
        Case {
            want: Some((1, Subject)),
            date: day(24),
            ..case(
                "OTRS's bare ticket number goes",
                "Re: Ticket#2023112910000011 Where is my order?",
                anna,
            )
        },
        Case {
            want: Some((5, Subject)),
            date: day(24),
            ..case(
                "another desk's token goes, the order number stays",
                "Re: [#1677] Where is my order (#1002)",
                anna,
            )
        },
    ];
    check(&cases);
}
