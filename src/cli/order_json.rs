//! ORDER JSON (README, "Orders"): the shape `orders show`, `customer` and `show` print an
//! order in. The names are a contract; the object may grow.

use serde::Serialize;

use super::ticket_json::Rfc3339;
use crate::domain::order::Order;

#[derive(Serialize)]
pub struct OrderJson<'a> {
    number: &'a str,
    status: &'static str,
    financial_status: Option<&'a str>,
    created_at: Rfc3339,
    /// Decimal text in the currency's major unit (`"49.90"`): exact, as shops write it.
    total: Option<String>,
    currency: Option<&'a str>,
    items: Vec<ItemJson<'a>>,
    carrier: Option<&'a str>,
    tracking_number: Option<&'a str>,
    tracking_url: Option<&'a str>,
    shipped_at: Option<Rfc3339>,
    delivered_at: Option<Rfc3339>,
    source: &'static str,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    name: &'a str,
    sku: Option<&'a str>,
    quantity: u32,
}

pub use crate::domain::order::money;

impl<'a> From<&'a Order> for OrderJson<'a> {
    fn from(o: &'a Order) -> Self {
        OrderJson {
            number: &o.number,
            status: o.status.as_str(),
            financial_status: o.financial_status.as_deref(),
            created_at: Rfc3339(o.created_at),
            total: o.total_cents.map(money),
            currency: o.currency.as_deref(),
            items: o
                .items
                .iter()
                .map(|i| ItemJson {
                    name: &i.name,
                    sku: i.sku.as_deref(),
                    quantity: i.quantity,
                })
                .collect(),
            carrier: o.carrier.as_deref(),
            tracking_number: o.tracking_number.as_deref(),
            tracking_url: o.tracking_url.as_deref(),
            shipped_at: o.shipped_at.map(Rfc3339),
            delivered_at: o.delivered_at.map(Rfc3339),
            source: o.source.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_as_decimal_text() {
        for (cents, text) in [
            (4990, "49.90"),
            (5, "0.05"),
            (-5, "-0.05"),
            (123_450, "1234.50"),
            (0, "0.00"),
        ] {
            assert_eq!(super::money(cents), text);
        }
    }
}
