//! What a shop's `order_lookup_cmd` prints: ORDER JSON (README, "Orders") — one object or
//! an array — with the customer's `email` (and `name`) beside the order's fields, so a
//! script can answer from any platform's API. Unknown fields are ignored: scripts may print
//! more than we read.

use serde::Deserialize;

use super::parse_time;
use crate::domain::order::{
    OrderItem, OrderPatch, OrderStatus, normalize_number, parse_money, valid_number,
};

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<LookupOrder>),
    One(Box<LookupOrder>),
}

#[derive(Deserialize)]
struct LookupOrder {
    number: serde_json::Value,
    email: Option<String>,
    name: Option<String>,
    status: Option<String>,
    financial_status: Option<String>,
    created_at: Option<String>,
    total: Option<serde_json::Value>,
    currency: Option<String>,
    #[serde(default)]
    items: Vec<LookupItem>,
    carrier: Option<String>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    shipped_at: Option<String>,
    delivered_at: Option<String>,
}

#[derive(Deserialize)]
struct LookupItem {
    name: String,
    sku: Option<String>,
    quantity: Option<u32>,
}

/// The orders a lookup printed, or what is wrong with its output (one line).
pub fn parse_lookup(output: &[u8]) -> Result<Vec<OrderPatch>, String> {
    let text = std::str::from_utf8(output).map_err(|_| "the output is not UTF-8".to_string())?;
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let parsed: OneOrMany = serde_json::from_str(text).map_err(|e| {
        format!(
            "the output is not ORDER JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            first_line(&e.to_string())
        )
    })?;
    let orders = match parsed {
        OneOrMany::Many(v) => v,
        OneOrMany::One(o) => vec![*o],
    };
    orders
        .into_iter()
        .map(|o| {
            let mut p = patch(o)?;
            super::link_tracking(&mut p);
            Ok(p)
        })
        .collect()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn patch(o: LookupOrder) -> Result<OrderPatch, String> {
    let raw = match &o.number {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => return Err(format!("number: not an order number: {other}")),
    };
    let number = normalize_number(&raw);
    if !valid_number(&number) {
        return Err(format!("number: not an order number: {raw:?}"));
    }
    let time = |field: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                parse_time(t).ok_or_else(|| format!("order {number}: {field}: not a date: {t:?}"))
            })
            .transpose()
    };
    let total = match &o.total {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(
            parse_money(s).ok_or_else(|| format!("order {number}: total: not an amount: {s:?}"))?,
        ),
        Some(serde_json::Value::Number(n)) => Some(
            parse_money(&n.to_string())
                .ok_or_else(|| format!("order {number}: total: not an amount: {n}"))?,
        ),
        Some(other) => return Err(format!("order {number}: total: not an amount: {other}")),
    };
    let status = o
        .status
        .as_deref()
        .map(|s| {
            s.parse::<OrderStatus>()
                .map_err(|e| format!("order {number}: {e}"))
        })
        .transpose()?;
    let email = o
        .email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(format!("order {number}: email: not an e-mail address"));
    }
    Ok(OrderPatch {
        created_at: time("created_at", &o.created_at)?,
        shipped_at: time("shipped_at", &o.shipped_at)?,
        delivered_at: time("delivered_at", &o.delivered_at)?,
        platform_id: None,
        email,
        customer_name: o.name.filter(|n| !n.trim().is_empty()),
        status,
        financial_status: o.financial_status,
        total_cents: total,
        currency: o.currency.map(|c| c.to_uppercase()),
        items: o
            .items
            .into_iter()
            .map(|i| OrderItem {
                name: i.name,
                sku: i.sku.filter(|s| !s.is_empty()),
                quantity: i.quantity.unwrap_or(1),
            })
            .collect(),
        carrier: o.carrier.filter(|c| !c.is_empty()),
        tracking_number: o.tracking_number.filter(|t| !t.is_empty()),
        tracking_url: o.tracking_url.filter(|u| !u.is_empty()),
        number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_lookup_scripts_print() {
        let one = br##"{"number":"#1001","email":"Ana@Example.test","status":"fulfilled",
            "created_at":"2024-03-01T12:00:00Z","total":"49.90","currency":"eur",
            "items":[{"name":"Hat","sku":"H-1","quantity":2}],"tracking_number":"1Z5R89390357567127",
            "extra":"ignored"}"##;
        let got = parse_lookup(one).expect("one");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].number, "1001");
        assert_eq!(got[0].email.as_deref(), Some("ana@example.test"));
        assert_eq!(got[0].status, Some(OrderStatus::Shipped));
        assert_eq!(got[0].total_cents, Some(4990));
        assert_eq!(got[0].currency.as_deref(), Some("EUR"));
        assert_eq!(got[0].items[0].quantity, 2);

        let many = br#"[{"number":1001,"total":12.5},{"number":"SD-2","status":null}]"#;
        let got = parse_lookup(many).expect("many");
        assert_eq!(
            got.iter().map(|o| o.number.as_str()).collect::<Vec<_>>(),
            ["1001", "SD-2"]
        );
        assert_eq!(got[0].total_cents, Some(1250));
        assert_eq!(parse_lookup(b"  \n").expect("nothing found"), Vec::new());

        let bad: [(&[u8], &str); 6] = [
            (b"not json", "not ORDER JSON (line 1"),
            (b"{\"email\":\"a@b.c\"}", "not ORDER JSON"),
            (br#"{"number":"1","status":"lost"}"#, "unknown order status"),
            (
                br#"{"number":"1","created_at":"yesterday"}"#,
                "created_at: not a date",
            ),
            (br#"{"number":"1","total":"lots"}"#, "total: not an amount"),
            (b"\xff", "not UTF-8"),
        ];
        for (input, expected) in bad {
            let err = parse_lookup(input).expect_err("refused");
            assert!(err.contains(expected), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
