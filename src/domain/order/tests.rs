use chrono::TimeZone;

use super::*;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, day, 12, 0, 0)
        .single()
        .expect("a date")
}

fn known() -> Order {
    Order {
        number: "1001".into(),
        platform_id: None,
        email: "ana@example.test".into(),
        customer_name: Some("Ana".into()),
        status: OrderStatus::Paid,
        financial_status: Some("paid".into()),
        created_at: at(1),
        total_cents: Some(4990),
        currency: Some("EUR".into()),
        items: vec![OrderItem {
            name: "Backpack".into(),
            sku: Some("BP-1".into()),
            quantity: 1,
        }],
        carrier: None,
        tracking_number: None,
        tracking_url: None,
        shipped_at: None,
        delivered_at: None,
        source: OrderSource::Shopify,
    }
}

#[test]
fn statuses_in_every_platforms_words() {
    let cases = [
        ("placed", Some(OrderStatus::Placed)),
        ("wc-processing", Some(OrderStatus::Paid)),
        ("processing", Some(OrderStatus::Paid)),
        ("on-hold", Some(OrderStatus::Placed)),
        ("Completed", Some(OrderStatus::Shipped)),
        ("fulfilled", Some(OrderStatus::Shipped)),
        ("canceled", Some(OrderStatus::Cancelled)),
        ("wc-refunded", Some(OrderStatus::Refunded)),
        (" delivered ", Some(OrderStatus::Delivered)),
        ("lost in space", None),
        ("", None),
    ];
    for (word, expected) in cases {
        assert_eq!(word.parse::<OrderStatus>().ok(), expected, "{word:?}");
    }
    for s in OrderStatus::ALL {
        assert_eq!(s.as_str().parse::<OrderStatus>().ok(), Some(s));
    }
}

#[test]
fn money_as_exports_write_it() {
    let cases = [
        ("49.90", Some(4990)),
        ("49,90", Some(4990)),
        ("1,234.50", Some(123_450)),
        ("1.234,50", Some(123_450)),
        ("1.234", Some(123_400)),
        ("€49.9", Some(4990)),
        ("120", Some(12_000)),
        ("-5.00", Some(-500)),
        ("0.00", Some(0)),
        ("", None),
        ("free", None),
        ("12-3", None),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_money(text), expected, "{text:?}");
    }
}

#[test]
fn numbers_with_or_without_hash() {
    for (raw, expected) in [("#1001", "1001"), (" 1001 ", "1001"), ("# SD-7", "SD-7")] {
        assert_eq!(normalize_number(raw), expected);
    }
}

#[test]
fn merging_a_patch() {
    let now = at(20);
    let tracking = OrderPatch {
        number: "1001".into(),
        tracking_number: Some("1Z5R89390357567127".into()),
        ..OrderPatch::default()
    };
    // (what is known, the patch, what comes out)
    let same = OrderPatch {
        number: "1001".into(),
        email: Some("ana@example.test".into()),
        status: Some(OrderStatus::Paid),
        total_cents: Some(4990),
        items: known().items,
        ..OrderPatch::default()
    };
    match merge(Some(&known()), &same, OrderSource::Shopify, now) {
        Ok(Merged::Unchanged) => {}
        other => panic!("the same facts again change nothing: {other:?}"),
    }
    match merge(Some(&known()), &tracking, OrderSource::Generic, now) {
        Ok(Merged::Updated(order, changes)) => {
            assert_eq!(order.tracking_number.as_deref(), Some("1Z5R89390357567127"));
            // empty cells leave the rest alone
            assert_eq!(order.total_cents, Some(4990));
            assert_eq!(order.items, known().items);
            assert_eq!(order.source, OrderSource::Generic);
            assert_eq!(
                changes,
                vec![OrderChange {
                    field: "tracking_number",
                    old: None,
                    new: Some("1Z5R89390357567127".into()),
                }]
            );
        }
        other => panic!("tracking is added: {other:?}"),
    }
    let shipped = OrderPatch {
        number: "1001".into(),
        status: Some(OrderStatus::Shipped),
        shipped_at: Some(at(3)),
        ..OrderPatch::default()
    };
    match merge(Some(&known()), &shipped, OrderSource::Shopify, now) {
        Ok(Merged::Updated(order, changes)) => {
            assert_eq!(order.status, OrderStatus::Shipped);
            let fields: Vec<_> = changes.iter().map(|c| c.field).collect();
            assert_eq!(fields, ["status", "shipped_at"]);
            assert_eq!(changes[0].old.as_deref(), Some("paid"));
        }
        other => panic!("a newer export moves the status: {other:?}"),
    }
    assert_eq!(
        merge(None, &tracking, OrderSource::Generic, now),
        Err(MergeError::NoEmail("1001".into()))
    );
    let new = OrderPatch {
        email: Some("bo@example.test".into()),
        ..tracking.clone()
    };
    match merge(None, &new, OrderSource::Generic, now) {
        Ok(Merged::New(order)) => {
            assert_eq!(
                order.created_at, now,
                "an undated order is dated by its import"
            );
            assert_eq!(order.status, OrderStatus::Placed);
        }
        other => panic!("a new order: {other:?}"),
    }
}

#[test]
fn items_read_as_people_write_them() {
    let items = vec![
        OrderItem {
            name: "Backpack".into(),
            sku: Some("BP-1".into()),
            quantity: 2,
        },
        OrderItem {
            name: "Hat".into(),
            sku: None,
            quantity: 1,
        },
    ];
    assert_eq!(items_text(&items), "2 × Backpack (BP-1); 1 × Hat");
}
