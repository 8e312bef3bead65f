//! Shopify's order export (Admin → Orders → Export): one row per line item, the order's
//! own fields on its first row only, rows grouped by `Name` (`#1001`).

use std::collections::HashMap;

use csv::{Reader, StringRecord};

use super::columns::{Columns, Lines};
use super::{FileError, Format, ImportedOrder, Parsed, Rejected, csv_error};
use crate::domain::order::{OrderItem, OrderPatch, OrderStatus, normalize_number, valid_number};

pub fn read(reader: &mut Reader<&[u8]>, c: &Columns, lines: &Lines) -> Result<Parsed, FileError> {
    if !c.has("name") {
        return Err(FileError::MissingColumn {
            format: Format::Shopify,
            column: "Name".into(),
        });
    }
    let mut orders: Vec<ImportedOrder> = Vec::new();
    let mut rejected = Vec::new();
    // number → index in `orders`, or the line that rejected the order
    let mut seen: HashMap<String, Result<usize, u64>> = HashMap::new();
    let mut row = StringRecord::new();
    while reader.read_record(&mut row).map_err(csv_error)? {
        let line = lines.of(&row);
        let Some(name) = c.get(&row, "name") else {
            rejected.push(Rejected {
                line,
                reason: "no order number (column Name)".into(),
            });
            continue;
        };
        let number = normalize_number(name);
        if !valid_number(&number) {
            rejected.push(Rejected {
                line,
                reason: format!("Name: not an order number: {name:?}"),
            });
            continue;
        }
        let item = match item(c, &row) {
            Ok(item) => item,
            Err(reason) => {
                rejected.push(Rejected { line, reason });
                continue;
            }
        };
        match seen.get(&number) {
            Some(Ok(i)) => {
                orders[*i].patch.items.extend(item);
                continue;
            }
            Some(Err(first)) => {
                rejected.push(Rejected {
                    line,
                    reason: format!("order {number}'s first row was rejected (line {first})"),
                });
                continue;
            }
            None => {}
        }
        match order(c, &row, number.clone()) {
            Ok(mut patch) => {
                patch.items.extend(item);
                seen.insert(number, Ok(orders.len()));
                orders.push(ImportedOrder { line, patch });
            }
            Err(reason) => {
                seen.insert(number, Err(line));
                rejected.push(Rejected { line, reason });
            }
        }
    }
    Ok(Parsed {
        format: Format::Shopify,
        orders,
        rejected,
    })
}

/// The order's own fields, from its first row.
fn order(c: &Columns, row: &StringRecord, number: String) -> Result<OrderPatch, String> {
    let financial = c.get(row, "financial status").map(str::to_lowercase);
    let fulfillment = c.get(row, "fulfillment status").map(str::to_lowercase);
    let cancelled = c.time(row, "cancelled at")?;
    let shipped_at = c.time(row, "fulfilled at")?;
    let status = if cancelled.is_some() {
        Some(OrderStatus::Cancelled)
    } else if financial.as_deref() == Some("refunded") {
        Some(OrderStatus::Refunded)
    } else if matches!(fulfillment.as_deref(), Some("fulfilled" | "partial")) {
        Some(OrderStatus::Shipped)
    } else {
        match financial.as_deref() {
            Some("paid" | "partially_refunded" | "partially_paid") => Some(OrderStatus::Paid),
            Some("pending" | "authorized" | "expired") => Some(OrderStatus::Placed),
            Some("voided") => Some(OrderStatus::Cancelled),
            _ => None,
        }
    };
    Ok(OrderPatch {
        number,
        platform_id: c.get(row, "id").map(str::to_string),
        email: c.email(row, &["email"])?,
        customer_name: c
            .first(row, &["shipping name", "billing name"])
            .map(str::to_string),
        status,
        financial_status: financial,
        created_at: c.time(row, "created at")?,
        total_cents: c.money(row, "total")?,
        currency: c.get(row, "currency").map(str::to_uppercase),
        items: Vec::new(),
        carrier: c
            .first(row, &["tracking company", "shipping carrier"])
            .map(str::to_string),
        tracking_number: c.get(row, "tracking number").map(str::to_string),
        tracking_url: c.get(row, "tracking url").map(str::to_string),
        shipped_at,
        delivered_at: c.time(row, "delivered at")?,
    })
}

fn item(c: &Columns, row: &StringRecord) -> Result<Option<OrderItem>, String> {
    let Some(name) = c.get(row, "lineitem name") else {
        return Ok(None);
    };
    Ok(Some(OrderItem {
        name: name.to_string(),
        sku: c.get(row, "lineitem sku").map(str::to_string),
        quantity: c.quantity(row, "lineitem quantity")?.unwrap_or(1),
    }))
}
