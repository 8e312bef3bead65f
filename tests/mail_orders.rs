//! Orders found in the mail itself, against a real Dovecot: Shopify's and WooCommerce's
//! notifications (as those platforms send them, with HTML parts) sync into orders with
//! tracking and make no ticket and no acknowledgement; a customer's mail naming `#1001`
//! shows that order in `show --json`.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::sync::LazyLock;

use chrono::{DateTime, SecondsFormat, Utc};

use support::{MailStack, list_json, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
/// Every mail is dated now: mail older than a few hours when first seen gets no
/// acknowledgement anyway, and this test shows that notifications get none.
static NOW: LazyLock<DateTime<Utc>> =
    LazyLock::new(|| DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_default());

/// A mail with a plain-text and an HTML part, as Shopify sends its notifications.
fn alternative(headers: &str, text: &str, html: &str) -> Vec<u8> {
    format!(
        "{headers}\r\nDate: {date}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {text}\r\n--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{html}\r\n--b1--\r\n",
        date = NOW.to_rfc2822()
    )
    .into_bytes()
}

/// An HTML-only mail, as WooCommerce and Shopify's staff notifications send them.
fn html_only(headers: &str, html: &str) -> Vec<u8> {
    format!(
        "{headers}\r\nDate: {date}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{html}\r\n",
        date = NOW.to_rfc2822()
    )
    .into_bytes()
}

fn shopify_confirmation() -> Vec<u8> {
    alternative(
        "From: Nordic Boots <mailer@shopify.com>\r\nTo: anna@customer.example\r\n\
         Subject: Order #1001 confirmed\r\nMessage-ID: <confirm-1001@shopify.com>",
        "NORDIC BOOTS  Order #1001\r\n\r\nThank you for your purchase!\r\n\r\n\
         Hi Anna, we're getting your order ready to be shipped.\r\n\r\n\
         Order summary\r\nWinter boot × 1   €129.00\r\nTotal   €129.00 EUR\r\n",
        "<!DOCTYPE html><html><body><table class=\"body\"><tr><td>\
         <table class=\"header\"><tr><td><h1>Nordic Boots</h1></td>\
         <td><span class=\"order-number__text\">Order #1001</span></td></tr></table>\
         <h2>Thank you for your purchase!</h2>\
         <p>Hi Anna, we're getting your order ready to be shipped. We will notify you when it has been sent.</p>\
         <table class=\"row\"><tr><td><a href=\"https://nordic-boots.example/orders/abc\" class=\"button__text\">View your order</a></td></tr></table>\
         <h3>Order summary</h3><table class=\"order-list\"><tr><td>Winter boot × 1</td><td>€129.00</td></tr></table>\
         <table class=\"subtotal-table\"><tr><td>Total</td><td><strong>€129.00 EUR</strong></td></tr></table>\
         </td></tr></table></body></html>",
    )
}

fn shopify_shipment() -> Vec<u8> {
    alternative(
        "From: Nordic Boots <mailer@shopify.com>\r\nTo: anna@customer.example\r\n\
         Subject: A shipment from order #1001 is on the way\r\n\
         Message-ID: <ship-1001@shopify.com>",
        "NORDIC BOOTS  Order #1001\r\n\r\nYour order is on the way\r\n\r\n\
         Your order is on the way. Track your shipment to see the delivery status.\r\n\r\n\
         UPS tracking number: 1Z5R89390357567127\r\n",
        "<html><body><table class=\"body\"><tr><td>\
         <span class=\"order-number__text\">Order #1001</span>\
         <h2>Your order is on the way</h2>\
         <p>Your order is on the way. Track your shipment to see the delivery status.</p>\
         <a href=\"https://www.ups.com/track?tracknum=1Z5R89390357567127\" class=\"button__text\">Track your order</a>\
         <p>UPS tracking number: 1Z5R89390357567127</p>\
         <h3>Items in this shipment</h3><table><tr><td>Winter boot × 1</td></tr></table>\
         </td></tr></table></body></html>",
    )
}

fn shopify_staff_order() -> Vec<u8> {
    html_only(
        "From: Shopify <mailer@shopify.com>\r\nTo: Nordic Boots <shop@example.test>\r\n\
         Reply-To: Björn Svensson <bjorn@customer.example>\r\n\
         Subject: [Nordic Boots] Order #1002 placed by Björn Svensson\r\n\
         Message-ID: <staff-1002@shopify.com>",
        "<html><body><p>Björn Svensson placed order #1002 on Nov 20 at 9:30 am.</p>\
         <table><tr><td>Trail sock × 3</td><td>€27.00</td></tr></table>\
         <p><a href=\"https://admin.shopify.com/store/nordic-boots/orders/5550001\">View order</a></p>\
         </body></html>",
    )
}

fn woocommerce_complete() -> Vec<u8> {
    html_only(
        "From: Nordic Boots <wordpress@nordic-boots.example>\r\nTo: carla@customer.example\r\n\
         Subject: Your Nordic Boots order is now complete\r\n\
         Message-ID: <wc-complete-1003@nordic-boots.example>",
        "<!DOCTYPE html><html lang=\"en-US\"><body><div id=\"wrapper\"><table id=\"template_container\">\
         <tr><td id=\"header_wrapper\"><h1>Thanks for shopping with us</h1></td></tr>\
         <tr><td id=\"body_content_inner\"><p>Hi Carla,</p>\
         <p>We have finished processing your order. Your parcel travels with PostNord, \
         tracking number RB123456785SE.</p>\
         <h2>[Order #1003] (November 20, 2026)</h2>\
         <table class=\"td\"><thead><tr><th>Product</th><th>Quantity</th><th>Price</th></tr></thead>\
         <tbody><tr><td>Rain jacket</td><td>1</td><td>89,00&nbsp;&euro;</td></tr></tbody>\
         <tfoot><tr><th>Total:</th><td>89,00&nbsp;&euro;</td></tr></tfoot></table>\
         </td></tr></table></div></body></html>",
    )
}

fn woocommerce_new_order() -> Vec<u8> {
    html_only(
        "From: Nordic Boots <wordpress@nordic-boots.example>\r\nTo: shop@example.test\r\n\
         Reply-To: Dan Berg <dan@customer.example>\r\n\
         Subject: [Nordic Boots]: New order #1004\r\n\
         Message-ID: <wc-new-1004@nordic-boots.example>",
        "<html><body><h1>New Order: #1004</h1>\
         <p>You've received the following order from Dan Berg:</p>\
         <h2><a href=\"https://nordic-boots.example/wp-admin/post.php?post=1004&action=edit\">[Order #1004]</a> (November 20, 2026)</h2>\
         <address>Dan Berg<br>Storgatan 1<br>111 22 Stockholm<br>dan@customer.example</address>\
         </body></html>",
    )
}

/// A customer asking, in the words of the platform's own subject, from their own address.
fn customer_question() -> Vec<u8> {
    format!(
        "From: Anna Lind <anna@customer.example>\r\nTo: {SHOP}\r\n\
         Subject: Order #1001 confirmed?\r\nDate: {date}\r\n\
         Message-ID: <question@customer.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Hi! My order #1001 has not arrived yet. Is it really on its way?\r\nAnna\r\n",
        date = NOW.to_rfc2822()
    )
    .into_bytes()
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn order(config: &Path, db: &Path, number: &str) -> serde_json::Value {
    json(&ok(
        shopdesk(config, db).args(["orders", "show", number, "--json"])
    ))
}

#[test]
fn platform_notifications_sync_into_orders_and_a_customer_sees_hers() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[orders]\ncarriers = [\"UPS\", \"PostNord\"]\n",
        stack.config_text("[accounts.auto_ack]\nenabled = true")
    );
    let config = tmp.path().join("config.toml");
    std::fs::write(&config, text).unwrap();
    let db = tmp.path().join("shop.db");

    // First contact with an empty INBOX: what arrives after it is news, and would be
    // acknowledged if it began a ticket.
    ok(shopdesk(&config, &db).arg("sync"));
    stack.append(
        SHOP,
        "INBOX",
        &[
            shopify_confirmation(),
            shopify_shipment(),
            shopify_staff_order(),
            woocommerce_complete(),
            woocommerce_new_order(),
            customer_question(),
        ],
    );
    ok(shopdesk(&config, &db).arg("sync"));

    // One ticket: the customer's. The notifications made none.
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["subject"], "Order #1001 confirmed?");
    let acks: Vec<serde_json::Value> = json(&ok(
        shopdesk(&config, &db).args(["outbox", "list", "--all", "--json"])
    ))
    .as_array()
    .unwrap()
    .iter()
    .filter(|r| r["kind"] == "auto_ack")
    .cloned()
    .collect();
    assert_eq!(acks.len(), 1, "{acks:?}");
    assert_eq!(
        acks[0]["recipients"],
        serde_json::json!(["anna@customer.example"])
    );

    // Shopify: confirmed, then shipped with UPS tracking.
    let o = order(&config, &db, "1001");
    assert_eq!(o["status"], "shipped", "{o}");
    assert_eq!(o["source"], "mail");
    assert_eq!(o["carrier"], "UPS");
    assert_eq!(o["tracking_number"], "1Z5R89390357567127");
    assert_eq!(
        o["tracking_url"],
        "https://www.ups.com/track?tracknum=1Z5R89390357567127"
    );
    let now = NOW.to_rfc3339_opts(SecondsFormat::Secs, true);
    assert_eq!(o["created_at"], now);
    assert_eq!(o["shipped_at"], now);
    // The staff notification: the customer is its Reply-To.
    let o = order(&config, &db, "#1002");
    assert_eq!(o["status"], "placed", "{o}");
    // WooCommerce: the number from the body's [Order #1003], tracking beside PostNord.
    let o = order(&config, &db, "1003");
    assert_eq!(o["status"], "shipped", "{o}");
    assert_eq!(o["carrier"], "PostNord");
    assert_eq!(o["tracking_number"], "RB123456785SE");
    let o = order(&config, &db, "1004");
    assert_eq!(o["status"], "placed", "{o}");

    let emails: Vec<(String, String)> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare("SELECT number, customer_email FROM orders ORDER BY number")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let want = [
        ("1001", "anna@customer.example"),
        ("1002", "bjorn@customer.example"),
        ("1003", "carla@customer.example"),
        ("1004", "dan@customer.example"),
    ];
    assert_eq!(
        emails,
        want.map(|(n, e)| (n.to_string(), e.to_string())).to_vec()
    );

    // The customer's ticket shows her order, and her mail the number it names.
    let id = tickets[0]["id"].as_i64().unwrap().to_string();
    let shown = json(&ok(shopdesk(&config, &db).args(["show", &id, "--json"])));
    assert_eq!(shown["order"]["number"], "1001", "{shown}");
    assert_eq!(shown["order"]["tracking_number"], "1Z5R89390357567127");
    assert_eq!(shown["messages"][0]["orders"], serde_json::json!(["1001"]));
    assert_eq!(shown["messages"][0]["tracking"], serde_json::json!([]));
    assert_eq!(shown["messages"][0]["placed_by"], "new");
    // order: finds the ticket by the number exactly.
    assert_eq!(list_json(&config, &db, &["order:1001"]).len(), 1);
    assert_eq!(list_json(&config, &db, &["order:100"]).len(), 0);

    // A second sync (and the notifications seen again) changes nothing.
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(list_json(&config, &db, &[]).len(), 1);
}
