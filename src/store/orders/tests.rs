use chrono::TimeZone;

use super::*;
use crate::domain::order::OrderStatus;
use crate::import::orders::{Format, read};
use crate::store::Store;

fn fixture(name: &str) -> Vec<OrderPatch> {
    let path = format!(
        "{}/tests/fixtures/orders/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).expect("fixture");
    read(&bytes, None)
        .expect("reads")
        .orders
        .into_iter()
        .map(|o| o.patch)
        .collect()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0)
        .single()
        .expect("date")
}

fn import(store: &mut Store, patches: &[OrderPatch], source: OrderSource) -> Vec<PatchOutcome> {
    let tx = store.write().expect("tx");
    let out = apply(&tx, patches, source, now()).expect("apply");
    tx.commit().expect("commit");
    out
}

#[test]
fn importing_the_same_export_twice_changes_nothing() {
    let mut store = Store::open_in_memory().expect("store");
    let shopify = fixture("shopify.csv");
    let first = import(&mut store, &shopify, OrderSource::Shopify);
    assert_eq!(
        first,
        [
            PatchOutcome::New,
            PatchOutcome::New,
            PatchOutcome::New,
            PatchOutcome::Rejected(MergeError::NoEmail("1005".into())),
        ]
    );
    let again = import(&mut store, &shopify, OrderSource::Shopify);
    assert_eq!(
        &again[..3],
        [
            PatchOutcome::Unchanged,
            PatchOutcome::Unchanged,
            PatchOutcome::Unchanged
        ]
    );

    let order = by_number(store.conn(), "#1001")
        .expect("read")
        .expect("1001");
    assert_eq!(order.items.len(), 2);
    assert_eq!(order.status, OrderStatus::Shipped);
    assert_eq!(order.email, "ana.lopez@example.test");
    assert_eq!(
        by_number(store.conn(), "5123456789012")
            .expect("read")
            .map(|o| o.number),
        Some("1001".to_string()),
        "the platform's id finds the order too"
    );
}

#[test]
fn a_newer_export_updates_and_logs_what_changed() {
    let mut store = Store::open_in_memory().expect("store");
    import(&mut store, &fixture("shopify.csv"), OrderSource::Shopify);
    let later = import(
        &mut store,
        &fixture("shopify-later.csv"),
        OrderSource::Shopify,
    );
    assert_eq!(later[2], PatchOutcome::Updated(2));
    assert_eq!(
        &later[..2],
        [PatchOutcome::Unchanged, PatchOutcome::Unchanged]
    );
    let log: Vec<(String, Option<String>, Option<String>)> = events(store.conn(), "1003")
        .expect("events")
        .into_iter()
        .map(|e| (e.field, e.old, e.new))
        .collect();
    assert_eq!(log[0].0, "created");
    assert_eq!(
        log[1..],
        [
            (
                "status".to_string(),
                Some("paid".to_string()),
                Some("shipped".to_string())
            ),
            (
                "shipped_at".to_string(),
                None,
                Some("2024-03-08T15:00:00+00:00".to_string())
            ),
        ]
    );

    // a file of just number,tracking_number adds tracking to what is known
    let tracking = import(
        &mut store,
        &fixture("generic-tracking.csv"),
        OrderSource::Generic,
    );
    assert_eq!(
        tracking,
        [
            PatchOutcome::Rejected(MergeError::NoEmail("2008".into())),
            PatchOutcome::Updated(3),
            PatchOutcome::Rejected(MergeError::NoEmail("9999".into())),
        ]
    );
    let order = by_number(store.conn(), "1003")
        .expect("read")
        .expect("1003");
    assert_eq!(order.tracking_number.as_deref(), Some("1Z879E930346834440"));
    assert_eq!(order.carrier.as_deref(), Some("UPS"));
    assert_eq!(order.items.len(), 3, "items stay");
    assert_eq!(order.total_cents, Some(123_450), "the total stays");
}

#[test]
fn woocommerce_numbers_and_ids_both_find_the_order() {
    let mut store = Store::open_in_memory().expect("store");
    let path = format!(
        "{}/tests/fixtures/orders/woocommerce.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let parsed = read(
        &std::fs::read(path).expect("fixture"),
        Some(Format::WooCommerce),
    )
    .expect("reads");
    let patches: Vec<OrderPatch> = parsed.orders.into_iter().map(|o| o.patch).collect();
    import(&mut store, &patches, OrderSource::WooCommerce);
    for number in ["SD-2024-0001", "#SD-2024-0001", "4711"] {
        let order = by_number(store.conn(), number).expect("read");
        assert_eq!(
            order.map(|o| o.number).as_deref(),
            Some("SD-2024-0001"),
            "{number}"
        );
    }
    assert_eq!(
        for_email(store.conn(), "ECE@example.test")
            .expect("read")
            .len(),
        1
    );
}
