//! The generic order CSV, for every other platform and for scripts (README, "Orders"):
//! `number,email,status,created_at,total,currency,carrier,tracking_number,tracking_url,
//! shipped_at,delivered_at,items`, any subset after `number`. Items are written
//! `2 x Backpack (BP-1); Hat`. An unknown column is an error rather than silently
//! ignored: a typo in a script's header would otherwise drop its data.

use std::sync::LazyLock;

use csv::{Reader, StringRecord};
use regex::Regex;

use super::columns::{Columns, Lines};
use super::{FileError, Format, ImportedOrder, Parsed, Rejected, csv_error};
use crate::domain::order::{OrderItem, OrderPatch, normalize_number, valid_number};

pub const COLUMNS: [&str; 13] = [
    "number",
    "email",
    "name",
    "status",
    "created_at",
    "total",
    "currency",
    "carrier",
    "tracking_number",
    "tracking_url",
    "shipped_at",
    "delivered_at",
    "items",
];

pub fn read(reader: &mut Reader<&[u8]>, c: &Columns, lines: &Lines) -> Result<Parsed, FileError> {
    if !c.has("number") {
        return Err(FileError::MissingColumn {
            format: Format::Generic,
            column: "number".into(),
        });
    }
    if let Some(unknown) = c
        .names()
        .iter()
        .find(|n| !n.is_empty() && !COLUMNS.contains(&n.as_str()))
    {
        return Err(FileError::UnknownColumn {
            column: crate::domain::sanitize::sanitize_line(unknown),
            known: COLUMNS.join(","),
        });
    }
    let mut orders = Vec::new();
    let mut rejected = Vec::new();
    let mut row = StringRecord::new();
    while reader.read_record(&mut row).map_err(csv_error)? {
        let line = lines.of(&row);
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match order(c, &row) {
            Ok(patch) => orders.push(ImportedOrder { line, patch }),
            Err(reason) => rejected.push(Rejected { line, reason }),
        }
    }
    Ok(Parsed {
        format: Format::Generic,
        orders,
        rejected,
    })
}

fn order(c: &Columns, row: &StringRecord) -> Result<OrderPatch, String> {
    let raw = c.get(row, "number").ok_or("no order number")?;
    let number = normalize_number(raw);
    if !valid_number(&number) {
        return Err(format!("number: not an order number: {raw:?}"));
    }
    Ok(OrderPatch {
        number,
        platform_id: None,
        email: c.email(row, &["email"])?,
        customer_name: c.get(row, "name").map(str::to_string),
        status: c.status(row, "status")?,
        financial_status: None,
        created_at: c.time(row, "created_at")?,
        total_cents: c.money(row, "total")?,
        currency: c.get(row, "currency").map(str::to_uppercase),
        items: c
            .get(row, "items")
            .map(items)
            .transpose()?
            .unwrap_or_default(),
        carrier: c.get(row, "carrier").map(str::to_string),
        tracking_number: c.get(row, "tracking_number").map(str::to_string),
        tracking_url: c.get(row, "tracking_url").map(str::to_string),
        shipped_at: c.time(row, "shipped_at")?,
        delivered_at: c.time(row, "delivered_at")?,
    })
}

static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    // A fixed pattern, compiled once; the items test runs it.
    Regex::new(r"^(?:(\d+)\s*[x×*]\s+)?(.+?)(?:\s*\(([^()]+)\))?$").expect("item pattern")
});

/// `2 x Backpack (BP-1); Hat` → two items.
fn items(cell: &str) -> Result<Vec<OrderItem>, String> {
    cell.split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let caps = ITEM
                .captures(part)
                .ok_or_else(|| format!("items: cannot read {part:?}"))?;
            let quantity = match caps.get(1) {
                Some(q) => q
                    .as_str()
                    .parse()
                    .map_err(|_| format!("items: quantity too large in {part:?}"))?,
                None => 1,
            };
            Ok(OrderItem {
                name: caps.get(2).map_or("", |m| m.as_str()).trim().to_string(),
                sku: caps.get(3).map(|m| m.as_str().trim().to_string()),
                quantity,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_as_scripts_write_them() {
        let got = items("2 x Backpack (BP-1); Hat;  3× Socks, wool (S-3) ").expect("items");
        let want = [
            ("Backpack", Some("BP-1"), 2),
            ("Hat", None, 1),
            ("Socks, wool", Some("S-3"), 3),
        ];
        assert_eq!(got.len(), want.len());
        for (item, (name, sku, quantity)) in got.iter().zip(want) {
            assert_eq!(item.name, name);
            assert_eq!(item.sku.as_deref(), sku);
            assert_eq!(item.quantity, quantity);
        }
        assert!(items("99999999999 x Hat").is_err());
    }
}
