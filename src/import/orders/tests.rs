use super::*;
use crate::domain::order::OrderStatus;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/orders/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rejected(p: &Parsed) -> Vec<(u64, String)> {
    p.rejected
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect()
}

#[test]
fn a_shopify_export_groups_line_items_by_name() {
    let p = read(&fixture("shopify.csv"), None).expect("reads");
    assert_eq!(p.format, Format::Shopify);
    let numbers: Vec<&str> = p.orders.iter().map(|o| o.patch.number.as_str()).collect();
    assert_eq!(numbers, ["1001", "1002", "1003", "1005"]);

    let o = &p.orders[0].patch;
    assert_eq!(p.orders[0].line, 2);
    assert_eq!(o.email.as_deref(), Some("ana.lopez@example.test"));
    assert_eq!(o.customer_name.as_deref(), Some("Ana López"));
    assert_eq!(o.status, Some(OrderStatus::Shipped));
    assert_eq!(o.platform_id.as_deref(), Some("5123456789012"));
    assert_eq!(o.total_cents, Some(950_000));
    assert_eq!(o.currency.as_deref(), Some("JPY"));
    assert_eq!(
        o.created_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-03-01T03:34:56+00:00")
    );
    assert_eq!(
        o.shipped_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-03-02T00:00:00+00:00")
    );
    let items: Vec<(&str, Option<&str>, u32)> = o
        .items
        .iter()
        .map(|i| (i.name.as_str(), i.sku.as_deref(), i.quantity))
        .collect();
    assert_eq!(
        items,
        [
            ("Backpack, waxed canvas", Some("BP-1"), 1),
            ("Socks", Some("SO-2"), 2)
        ]
    );

    let cancelled = &p.orders[1].patch;
    assert_eq!(cancelled.status, Some(OrderStatus::Cancelled));
    let three = &p.orders[2].patch;
    assert_eq!(three.items.len(), 3);
    assert_eq!(three.status, Some(OrderStatus::Paid));
    assert_eq!(three.total_cents, Some(123_450));
    let pos = &p.orders[3].patch;
    assert_eq!(pos.email, None, "a till order has no e-mail");
    assert_eq!(pos.status, Some(OrderStatus::Placed));

    assert_eq!(
        rejected(&p),
        [
            (9, "created at: not a date: \"03/05/2024\"".to_string()),
            (
                10,
                "order 1004's first row was rejected (line 9)".to_string()
            ),
        ]
    );
}

#[test]
fn a_woocommerce_export_keeps_both_numbers() {
    let p = read(&fixture("woocommerce.csv"), None).expect("reads, BOM and CRLF");
    assert_eq!(p.format, Format::WooCommerce);
    let got: Vec<(&str, Option<&str>, Option<OrderStatus>)> = p
        .orders
        .iter()
        .map(|o| {
            (
                o.patch.number.as_str(),
                o.patch.platform_id.as_deref(),
                o.patch.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("SD-2024-0001", Some("4711"), Some(OrderStatus::Shipped)),
            ("SD-2024-0002", Some("4712"), Some(OrderStatus::Paid)),
            ("4715", None, Some(OrderStatus::Cancelled)),
        ]
    );
    let first = &p.orders[0].patch;
    assert_eq!(first.customer_name.as_deref(), Some("Ece Yılmaz"));
    assert_eq!(first.email.as_deref(), Some("ece@example.test"));
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.items[0].name, "Çanta");
    assert_eq!(first.items[1].sku, None);
    assert_eq!(first.total_cents, Some(5990));
    let reasons = rejected(&p);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 4, "{reasons:?}");
    assert!(
        reasons[0].1.contains("not an e-mail address"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1].0, 5);
    assert!(
        reasons[1]
            .1
            .contains("unknown order status \"wc-teleported\""),
        "{reasons:?}"
    );
}

#[test]
fn the_generic_file_says_what_is_wrong_with_each_row() {
    let p = read(&fixture("generic.csv"), None).expect("reads");
    assert_eq!(p.format, Format::Generic);
    let numbers: Vec<&str> = p.orders.iter().map(|o| o.patch.number.as_str()).collect();
    assert_eq!(numbers, ["2001", "2002", "2004", "2008"]);
    let ups = &p.orders[0].patch;
    assert_eq!(
        ups.carrier.as_deref(),
        Some("UPS"),
        "the carrier table names it"
    );
    assert_eq!(
        ups.tracking_url.as_deref(),
        Some("https://www.ups.com/track?tracknum=1Z5R89390357567127")
    );
    assert_eq!(ups.items.len(), 2);
    let postnord = &p.orders[1].patch;
    assert_eq!(
        postnord.carrier.as_deref(),
        Some("PostNord"),
        "as the file says"
    );
    assert!(postnord.tracking_url.is_some());
    assert_eq!(p.orders[3].patch.currency.as_deref(), Some("EUR"));
    assert_eq!(
        rejected(&p),
        [
            (4, "status: unknown order status \"lost\" (expected placed, paid, shipped, delivered, returned, refunded, cancelled or failed)".to_string()),
            (6, "created_at: not a date: \"2024-13-01\"".to_string()),
            (7, "total: not an amount: \"five euros\"".to_string()),
            (8, "no order number".to_string()),
        ]
    );
}

#[test]
fn whole_files_that_cannot_be_read() {
    let cases: Vec<(Vec<u8>, Option<Format>, &str)> = vec![
        (fixture("latin1.csv"), None, "line 2 is not UTF-8"),
        (b"\xFF\xFEn\0u\0".to_vec(), None, "UTF-16"),
        (b"".to_vec(), None, "empty"),
        (
            b"sku,price\nA,1\n".to_vec(),
            None,
            "not a Shopify, WooCommerce or shopdesk",
        ),
        (
            b"number,trackng_number\n1,2\n".to_vec(),
            None,
            "unknown column \"trackng_number\"",
        ),
        (
            b"order,email\n1,a@b.c\n".to_vec(),
            Some(Format::Generic),
            "no \"number\" column",
        ),
        (
            b"number,email\n1,a@b.c\n".to_vec(),
            Some(Format::Shopify),
            "no \"Name\" column",
        ),
    ];
    for (bytes, format, expected) in cases {
        let err = read(&bytes, format).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains(expected)),
            "{expected}: {err:?}"
        );
    }
}

#[test]
fn a_tracking_only_file_is_a_patch_of_tracking() {
    let p = read(&fixture("generic-tracking.csv"), None).expect("reads");
    let got: Vec<(&str, Option<&str>, Option<&str>)> = p
        .orders
        .iter()
        .map(|o| {
            (
                o.patch.number.as_str(),
                o.patch.tracking_number.as_deref(),
                o.patch.carrier.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2008", Some("JJD0099999999"), Some("DHL")),
            ("1003", Some("1Z879E930346834440"), Some("UPS")),
            ("9999", Some("1Z410E7W0392751591"), Some("UPS")),
        ]
    );
    assert!(
        p.orders
            .iter()
            .all(|o| o.patch.email.is_none() && o.patch.status.is_none())
    );
}
