//! WooCommerce order exports as the common export plugins write them, matched by column
//! key: `order_id, order_number, order_date, status, order_total, order_currency,
//! customer_email, billing_*, shipping_*`, items in `line_item_1…` cells
//! (`name:Hat|sku:H-1|quantity:2|…`) or one row per item (`item_name, item_sku,
//! item_quantity`). The number customers see (`order_number`) can differ from the
//! database id (`order_id`): both are kept, and both match.

use std::collections::HashMap;

use csv::{Reader, StringRecord};

use super::columns::{Columns, Lines};
use super::{FileError, Format, ImportedOrder, Parsed, Rejected, csv_error};
use crate::domain::order::{OrderItem, OrderPatch, OrderStatus, normalize_number, valid_number};

pub fn read(reader: &mut Reader<&[u8]>, c: &Columns, lines: &Lines) -> Result<Parsed, FileError> {
    if !c.has("order_id") && !c.has("order_number") {
        return Err(FileError::MissingColumn {
            format: Format::WooCommerce,
            column: "order_number".into(),
        });
    }
    let item_columns: Vec<String> = c
        .names()
        .iter()
        .filter(|n| {
            n.strip_prefix("line_item_")
                .is_some_and(|k| k.parse::<u32>().is_ok())
        })
        .cloned()
        .collect();
    let mut orders: Vec<ImportedOrder> = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut row = StringRecord::new();
    while reader.read_record(&mut row).map_err(csv_error)? {
        let line = lines.of(&row);
        let Some(number) = c.first(&row, &["order_number", "order_id"]) else {
            rejected.push(Rejected {
                line,
                reason: "no order number (columns order_number, order_id)".into(),
            });
            continue;
        };
        let raw = number;
        let number = normalize_number(raw);
        if !valid_number(&number) {
            rejected.push(Rejected {
                line,
                reason: format!("order_number: not an order number: {raw:?}"),
            });
            continue;
        }
        let items = match items(c, &row, &item_columns) {
            Ok(items) => items,
            Err(reason) => {
                rejected.push(Rejected { line, reason });
                continue;
            }
        };
        if let Some(i) = seen.get(&number) {
            orders[*i].patch.items.extend(items);
            continue;
        }
        match order(c, &row, number.clone()) {
            Ok(mut patch) => {
                patch.items = items;
                seen.insert(number, orders.len());
                orders.push(ImportedOrder { line, patch });
            }
            Err(reason) => rejected.push(Rejected { line, reason }),
        }
    }
    Ok(Parsed {
        format: Format::WooCommerce,
        orders,
        rejected,
    })
}

fn order(c: &Columns, row: &StringRecord, number: String) -> Result<OrderPatch, String> {
    let status = c.status(row, "status")?;
    let platform_id = c
        .get(row, "order_id")
        .map(normalize_number)
        .filter(|id| *id != number && valid_number(id));
    let name = |first: &str, last: &str| {
        let full = [c.get(row, first), c.get(row, last)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!full.is_empty()).then_some(full)
    };
    let completed = c
        .time(row, "date_completed")?
        .or(c.time(row, "completed_date")?);
    Ok(OrderPatch {
        number,
        platform_id,
        email: c.email(row, &["customer_email", "billing_email"])?,
        customer_name: name("shipping_first_name", "shipping_last_name")
            .or_else(|| name("billing_first_name", "billing_last_name")),
        status,
        financial_status: c.get(row, "payment_method_title").map(str::to_string),
        created_at: c.time(row, "order_date")?,
        total_cents: c.money(row, "order_total")?,
        currency: c.get(row, "order_currency").map(str::to_uppercase),
        items: Vec::new(),
        carrier: c
            .first(row, &["tracking_provider", "_tracking_provider", "carrier"])
            .map(str::to_string),
        tracking_number: c
            .first(row, &["tracking_number", "_tracking_number"])
            .map(str::to_string),
        tracking_url: c.get(row, "tracking_url").map(str::to_string),
        shipped_at: completed.filter(|_| status == Some(OrderStatus::Shipped)),
        delivered_at: None,
    })
}

/// The row's items: `line_item_N` cells, or the row itself as one item.
fn items(
    c: &Columns,
    row: &StringRecord,
    item_columns: &[String],
) -> Result<Vec<OrderItem>, String> {
    let mut items = Vec::new();
    for column in item_columns {
        if let Some(cell) = c.get(row, column) {
            items.push(line_item(column, cell)?);
        }
    }
    if let Some(name) = c.get(row, "item_name") {
        items.push(OrderItem {
            name: name.to_string(),
            sku: c.get(row, "item_sku").map(str::to_string),
            quantity: c
                .quantity(row, "item_quantity")?
                .or(c.quantity(row, "item_qty")?)
                .unwrap_or(1),
        });
    }
    Ok(items)
}

/// `name:Hat|product_id:21|sku:H-1|quantity:2|total:20.00`
fn line_item(column: &str, cell: &str) -> Result<OrderItem, String> {
    let mut name = None;
    let mut sku = None;
    let mut quantity = 1;
    for part in cell.split('|') {
        let Some((key, value)) = part.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "name" => name = Some(value.to_string()),
            "sku" if !value.is_empty() => sku = Some(value.to_string()),
            "quantity" | "qty" => {
                quantity = value
                    .parse()
                    .map_err(|_| format!("{column}: quantity is not a whole number: {value:?}"))?
            }
            _ => {}
        }
    }
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("{column}: no name: {cell:?}"))?;
    Ok(OrderItem {
        name,
        sku,
        quantity,
    })
}
