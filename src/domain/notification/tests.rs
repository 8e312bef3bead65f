use super::*;
use crate::domain::tracking::table;

const SHOPIFY: &str = "mailer@shopify.com";
const WOO: &str = "wordpress@nordic-boots.example";

/// (sender, from the shop itself, subject, what is recognised)
type Case<'a> = (
    &'a str,
    bool,
    &'a str,
    Option<(OrderStatus, Option<&'a str>)>,
);

#[test]
fn platform_subjects_from_platform_or_shop_addresses_are_notifications() {
    let cases: &[Case] = &[
        // Shopify, to the customer (a copy to the shop) and to the staff
        (
            SHOPIFY,
            false,
            "Order #1001 confirmed",
            Some((OrderStatus::Placed, Some("1001"))),
        ),
        (
            SHOPIFY,
            false,
            "order #1001 CONFIRMED.",
            Some((OrderStatus::Placed, Some("1001"))),
        ),
        (
            SHOPIFY,
            false,
            "A shipment from order #1001 is on the way",
            Some((OrderStatus::Shipped, Some("1001"))),
        ),
        (
            SHOPIFY,
            false,
            "A shipment from order #1001 has been delivered",
            Some((OrderStatus::Delivered, Some("1001"))),
        ),
        (
            "store@nordic-boots.example",
            true,
            "[Nordic Boots] Order #1002 placed by Anna Berg",
            Some((OrderStatus::Placed, Some("1002"))),
        ),
        (
            SHOPIFY,
            false,
            "Order #SD-1003 has been canceled",
            Some((OrderStatus::Cancelled, Some("SD-1003"))),
        ),
        // WooCommerce
        (
            WOO,
            false,
            "Your Nordic Boots order is now complete",
            Some((OrderStatus::Shipped, None)),
        ),
        (
            WOO,
            false,
            "Your Nordic Boots order has been received!",
            Some((OrderStatus::Placed, None)),
        ),
        (
            WOO,
            false,
            "[Nordic Boots]: New order #1004",
            Some((OrderStatus::Placed, Some("1004"))),
        ),
        (
            "noreply@nordic-boots.example",
            false,
            "[Nordic Boots]: Order #1005 has been cancelled",
            Some((OrderStatus::Cancelled, Some("1005"))),
        ),
        (
            WOO,
            false,
            "Your Nordic Boots order #1006 has been refunded",
            Some((OrderStatus::Refunded, Some("1006"))),
        ),
        // Not notifications: customers, even with a platform's words
        ("anna@example.com", false, "Order #1001 confirmed?", None),
        ("anna@example.com", false, "Order #1001 confirmed", None),
        (
            "anna@example.com",
            false,
            "Re: A shipment from order #1001 is on the way",
            None,
        ),
        // The platform, but not an order subject; an order subject with more after it
        (SHOPIFY, false, "Your store's weekly summary", None),
        (SHOPIFY, false, "Order #1001 confirmed? Not really", None),
        (SHOPIFY, false, "Fwd: Order #1001 confirmed", None),
    ];
    let rules = MailOrderRules::default();
    let mut wrong = Vec::new();
    for (from, own, subject, want) in cases {
        let got = rules.recognise(from, *own, subject);
        let want = want.map(|(status, n)| Recognised {
            status,
            number: n.map(str::to_string),
        });
        if got != want {
            wrong.push(format!("{from} {subject:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn merchants_own_subjects_replace_the_defaults() {
    let rules = MailOrderRules::new(
        &[(
            OrderStatus::Shipped,
            vec!["Dein Paket zu Bestellung {number} ist unterwegs".into()],
        )],
        &["shop@*".into()],
        OrderFinder::default(),
        Vec::new(),
    )
    .expect("rules");
    assert_eq!(
        rules.recognise(
            "shop@example.de",
            false,
            "Dein Paket zu Bestellung #77123 ist unterwegs"
        ),
        Some(Recognised {
            status: OrderStatus::Shipped,
            number: Some("77123".into())
        })
    );
    assert_eq!(
        rules.recognise("shop@example.de", false, "Order #1001 confirmed"),
        None
    );
    assert!(
        MailOrderRules::new(
            &[(OrderStatus::Placed, vec!["{number} and {number}".into()])],
            &[],
            OrderFinder::default(),
            Vec::new()
        )
        .is_err()
    );
}

#[test]
fn sender_globs() {
    let rules = MailOrderRules::default();
    for (email, want) in [
        ("mailer@shopify.com", true),
        ("Mailer@Shopify.com", true),
        ("x@shopify.com.evil.example", false),
        ("wordpress@shop.example", true),
        ("anna@example.com", false),
        ("", false),
    ] {
        assert_eq!(rules.is_platform(email), want, "{email}");
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.to_utc())
        .unwrap_or_default()
}

#[test]
fn a_notification_becomes_an_order_patch() {
    let date = at("2026-11-20T10:00:00Z");
    let tracking = table()
        .find_in_text("UPS tracking number: 1Z5R89390357567127", &[])
        .into_iter()
        .next();
    assert!(tracking.is_some(), "the tracking number is recognised");
    let shipped = Recognised {
        status: OrderStatus::Shipped,
        number: None,
    };
    let numbers = vec!["1001".to_string()];
    let patch = order_patch(
        &shipped,
        &NotificationMail {
            date,
            customer: Some("Anna@Example.com"),
            body_numbers: &numbers,
            tracking: tracking.as_ref(),
        },
    )
    .expect("patch");
    assert_eq!(patch.number, "1001");
    assert_eq!(patch.email.as_deref(), Some("anna@example.com"));
    assert_eq!(patch.status, Some(OrderStatus::Shipped));
    assert_eq!(patch.shipped_at, Some(date));
    assert_eq!(patch.tracking_number.as_deref(), Some("1Z5R89390357567127"));
    assert_eq!(patch.carrier.as_deref(), Some("UPS"));
    assert!(
        patch
            .tracking_url
            .is_some_and(|u| u.contains("1Z5R89390357567127"))
    );

    // A confirmation dates the order and leaves a known status alone.
    let placed = Recognised {
        status: OrderStatus::Placed,
        number: Some("1002".into()),
    };
    let patch = order_patch(
        &placed,
        &NotificationMail {
            date,
            customer: None,
            body_numbers: &[],
            tracking: None,
        },
    )
    .expect("patch");
    assert_eq!((patch.status, patch.created_at), (None, Some(date)));

    // No number anywhere: nothing to update.
    let none = order_patch(
        &shipped,
        &NotificationMail {
            date,
            customer: None,
            body_numbers: &[],
            tracking: None,
        },
    );
    assert_eq!(none, None);
}
