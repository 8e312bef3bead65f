//! Mail systems' reports: bounces and read receipts go to the message they are about and
//! never thread by their subject, which is the same for every bounce.

use super::*;

#[test]
fn report_placement_table() {
    use PlacedBy::*;
    let daemon = "mailer-daemon@mx.example.test";
    let cases = vec![
        Case {
            report: Some(Some("a1@anna")),
            want: Some((1, References)),
            ..case(
                "a bounce of Anna's thread",
                "Undelivered Mail Returned to Sender",
                daemon,
            )
        },
        Case {
            report: Some(Some("out3@shop")),
            want: Some((3, References)),
            ..case(
                "a bounce of our reply still in the outbox",
                "Undeliverable: Invoice",
                daemon,
            )
        },
        Case {
            report: Some(Some("gone@shop")),
            ..case(
                "a bounce of mail we never stored",
                "Undelivered Mail Returned to Sender",
                daemon,
            )
        },
        Case {
            report: Some(None),
            ..case(
                "a report that returned nothing",
                "Undelivered Mail Returned to Sender",
                daemon,
            )
        },
        Case {
            want: Some((7, Subject)),
            ..case(
                "the mail system's ordinary mail still threads by subject",
                "Undelivered Mail Returned to Sender",
                daemon,
            )
        },
        Case {
            report: Some(Some("a2@anna")),
            want: Some((1, Token)),
            ..case(
                "a bounce carrying our token, about the same ticket",
                "Undeliverable: Re: [SHOP #1] Where is my order?",
                daemon,
            )
        },
        Case {
            report: Some(None),
            want: Some((1, Token)),
            warns: true,
            ..case(
                "a bounce carrying our token, about nothing known",
                "Undeliverable: Re: [SHOP #1] Where is my order?",
                daemon,
            )
        },
        Case {
            report: Some(Some("c1@cem")),
            in_reply_to: &["a1@anna"],
            want: Some((4, References)),
            ..case(
                "a read receipt goes by what it reports on, before its headers",
                "Read: Siparişim nerede",
                "cem@example.test",
            )
        },
    ];
    check(&cases);
}
