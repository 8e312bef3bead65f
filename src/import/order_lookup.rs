//! Live order lookups: the shop's own `order_lookup_cmd` (config `[shop]`), run with an
//! order number or an e-mail address, prints orders in ORDER JSON (one object or an array
//! of them), read here into [`OrderPatch`]es. Scripts for Shopify's Admin GraphQL API and
//! WooCommerce's REST API are in `contrib/`.

use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::domain::order::{OrderItem, OrderPatch, normalize_number, parse_money};

use super::orders::{link_tracking, parse_time};

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("order_lookup_cmd could not start: {0}")]
    Start(std::io::Error),
    #[error("order_lookup_cmd failed ({0})")]
    Failed(String),
    #[error("order_lookup_cmd printed no ORDER JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("order_lookup_cmd printed a bad order: {0}")]
    Bad(String),
}

/// ORDER JSON as a script prints it: every field but `number` may be left out or null.
#[derive(Deserialize)]
#[serde(untagged)]
enum Printed {
    Many(Vec<OrderJson>),
    One(Box<OrderJson>),
}

#[derive(Deserialize)]
struct OrderJson {
    number: String,
    email: Option<String>,
    status: Option<String>,
    financial_status: Option<String>,
    created_at: Option<String>,
    /// Decimal text (`"49.90"`) or a number.
    total: Option<serde_json::Value>,
    currency: Option<String>,
    #[serde(default)]
    items: Vec<ItemJson>,
    carrier: Option<String>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    shipped_at: Option<String>,
    delivered_at: Option<String>,
}

#[derive(Deserialize)]
struct ItemJson {
    name: String,
    sku: Option<String>,
    quantity: Option<u32>,
}

/// The orders a lookup printed. One bad field rejects the output, naming the order and
/// the field: a script's mistake is better seen than half stored.
pub fn parse(text: &str) -> Result<Vec<OrderPatch>, LookupError> {
    let printed: Printed = serde_json::from_str(text.trim())?;
    let orders = match printed {
        Printed::Many(v) => v,
        Printed::One(o) => vec![*o],
    };
    orders.into_iter().map(patch).collect()
}

fn patch(o: OrderJson) -> Result<OrderPatch, LookupError> {
    let number = normalize_number(&o.number);
    let bad = |field: &str, value: &str| {
        LookupError::Bad(format!("order {number}: {field} {value:?} does not read"))
    };
    let time = |field: &str, value: Option<String>| match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => parse_time(&v).map(Some).ok_or_else(|| bad(field, &v)),
        None => Ok(None),
    };
    let status = match o.status {
        Some(s) => Some(s.parse().map_err(|_| bad("status", &s))?),
        None => None,
    };
    let total_cents = match o.total {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => {
            Some(parse_money(&s).ok_or_else(|| bad("total", &s))?)
        }
        Some(v) => {
            let s = v.to_string();
            Some(parse_money(&s).ok_or_else(|| bad("total", &s))?)
        }
    };
    let mut p = OrderPatch {
        email: o.email.map(|e| e.trim().to_lowercase()),
        status,
        financial_status: o.financial_status,
        created_at: time("created_at", o.created_at)?,
        total_cents,
        currency: o.currency,
        items: o
            .items
            .into_iter()
            .map(|i| OrderItem {
                name: i.name,
                sku: i.sku,
                quantity: i.quantity.unwrap_or(1),
            })
            .collect(),
        carrier: o.carrier,
        tracking_number: o.tracking_number,
        tracking_url: o.tracking_url,
        shipped_at: time("shipped_at", o.shipped_at)?,
        delivered_at: time("delivered_at", o.delivered_at)?,
        number,
        ..OrderPatch::default()
    };
    link_tracking(&mut p);
    Ok(p)
}

/// Runs `cmd` with `key` (an order number or an address) as its one argument, `$1`: the
/// key is passed, never spliced into the command line. Its stderr goes to ours.
pub fn run(cmd: &str, key: &str) -> Result<String, LookupError> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} \"$1\""))
        .arg("sh")
        .arg(key)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(LookupError::Start)?;
    if !out.status.success() {
        return Err(LookupError::Failed(out.status.to_string()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderStatus;

    #[test]
    fn what_lookups_print() {
        let one = r##"{"number":"#1001","email":"Anna@Example.test","status":"fulfilled",
            "total":"49.90","currency":"EUR","items":[{"name":"Shoes","quantity":2}],
            "tracking_number":"1Z5R89390357567127","shipped_at":"2026-11-21T10:00:00Z",
            "delivered_at":null,"source":"lookup"}"##;
        let p = parse(one).expect("one object");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].number, "1001");
        assert_eq!(p[0].email.as_deref(), Some("anna@example.test"));
        assert_eq!(p[0].status, Some(OrderStatus::Shipped));
        assert_eq!(p[0].total_cents, Some(4990));
        assert_eq!(p[0].items[0].quantity, 2);
        assert_eq!(
            p[0].carrier.as_deref(),
            Some("UPS"),
            "from the carrier table"
        );
        assert!(p[0].tracking_url.is_some());
        assert_eq!(p[0].delivered_at, None);

        let many = parse(r#"[{"number":"1"},{"number":"2","total":12.5}]"#).expect("array");
        assert_eq!(many.len(), 2);
        assert_eq!(many[1].total_cents, Some(1250));
        assert!(parse("[]").expect("none").is_empty());

        #[rustfmt::skip]
        let bad = [
            ("", "no ORDER JSON"),
            ("not json", "no ORDER JSON"),
            (r#"{"email":"a@x"}"#, "no ORDER JSON"),
            (r#"{"number":"1","status":"lost"}"#, "status \"lost\""),
            (r#"{"number":"1","created_at":"yesterday"}"#, "created_at \"yesterday\""),
            (r#"{"number":"1","total":"a lot"}"#, "total \"a lot\""),
        ];
        for (text, want) in bad {
            let e = parse(text).expect_err(text).to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn the_key_is_an_argument_not_part_of_the_command() {
        let out = run("printf '%s'", "a@x.test; echo injected").expect("runs");
        assert_eq!(out, "a@x.test; echo injected");
        assert!(matches!(run("exit 3", "k"), Err(LookupError::Failed(_))));
    }
}
