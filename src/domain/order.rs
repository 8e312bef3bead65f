//! Orders as shopdesk knows them: from a shop's export, a platform's notification mail or
//! a live lookup, merged by number.
//!
//! An import row is a [`OrderPatch`]: every field it leaves empty keeps what is known, so
//! a file of just `number,tracking_number` adds tracking. [`merge`] applies a patch to
//! what the store holds and names each field it changed; no change means "unchanged",
//! which is what makes importing the same file twice a no-op.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// Where an order is in its life, in one vocabulary for every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    Placed,
    Paid,
    Shipped,
    Delivered,
    Returned,
    Refunded,
    Cancelled,
    Failed,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Returned,
        OrderStatus::Refunded,
        OrderStatus::Cancelled,
        OrderStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Returned => "returned",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status word not in the vocabulary (nor a platform's synonym for one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown order status {0:?} (expected placed, paid, shipped, delivered, returned, refunded, cancelled or failed)"
)]
pub struct UnknownOrderStatus(pub String);

impl FromStr for OrderStatus {
    type Err = UnknownOrderStatus;

    /// Our words, and the words platforms and people use for them (WooCommerce's
    /// `wc-processing`, `completed`, `on-hold`; `fulfilled`, `canceled`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase();
        let word = word.strip_prefix("wc-").unwrap_or(&word);
        Ok(match word {
            "placed" | "pending" | "on-hold" | "on_hold" | "open" | "unfulfilled" | "new" => {
                OrderStatus::Placed
            }
            "paid" | "processing" => OrderStatus::Paid,
            "shipped" | "fulfilled" | "completed" | "complete" | "partial" | "in_transit"
            | "in transit" => OrderStatus::Shipped,
            "delivered" => OrderStatus::Delivered,
            "returned" => OrderStatus::Returned,
            "refunded" => OrderStatus::Refunded,
            "cancelled" | "canceled" | "voided" => OrderStatus::Cancelled,
            "failed" => OrderStatus::Failed,
            _ => return Err(UnknownOrderStatus(s.trim().to_string())),
        })
    }
}

/// Where what we know of an order came from (ORDER JSON `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderSource {
    Shopify,
    WooCommerce,
    Generic,
    Mail,
    Lookup,
}

impl OrderSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderSource::Shopify => "shopify",
            OrderSource::WooCommerce => "woocommerce",
            OrderSource::Generic => "generic",
            OrderSource::Mail => "mail",
            OrderSource::Lookup => "lookup",
        }
    }

    pub fn parse(s: &str) -> Option<OrderSource> {
        [
            OrderSource::Shopify,
            OrderSource::WooCommerce,
            OrderSource::Generic,
            OrderSource::Mail,
            OrderSource::Lookup,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub name: String,
    pub sku: Option<String>,
    pub quantity: u32,
}

/// An order as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The number customers see, without a leading `#` (`1001`, `SD-1001`).
    pub number: String,
    /// The platform's own id when it differs from the number customers see
    /// (WooCommerce's `order_id`, Shopify's `Id`): matched too.
    pub platform_id: Option<String>,
    pub email: String,
    pub customer_name: Option<String>,
    pub status: OrderStatus,
    pub financial_status: Option<String>,
    pub created_at: DateTime<Utc>,
    /// In the currency's minor unit (cents).
    pub total_cents: Option<i64>,
    pub currency: Option<String>,
    pub items: Vec<OrderItem>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub source: OrderSource,
}

/// What one import row (or group of rows) says of an order; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderPatch {
    pub number: String,
    pub platform_id: Option<String>,
    pub email: Option<String>,
    pub customer_name: Option<String>,
    pub status: Option<OrderStatus>,
    pub financial_status: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub total_cents: Option<i64>,
    pub currency: Option<String>,
    /// Empty leaves the known items alone.
    pub items: Vec<OrderItem>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One field an import changed, old and new as text (for the order's change log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What applying a patch does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    New(Order),
    Updated(Order, Vec<OrderChange>),
    Unchanged,
}

/// Why a patch cannot become an order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("order {0} is not known and the row gives no email")]
    NoEmail(String),
}

/// The order number as stored: trimmed, without a leading `#`.
pub fn normalize_number(number: &str) -> String {
    let n = number.trim();
    n.strip_prefix('#').unwrap_or(n).trim().to_string()
}

/// Whether `number` (normalised) can be an order number: not empty, at most 64
/// characters, no control characters (a broken export can put a line break in a cell).
pub fn valid_number(number: &str) -> bool {
    !number.is_empty() && number.chars().count() <= 64 && !number.chars().any(char::is_control)
}

/// Applies `patch` to what is known (`known`), from `source`, at `now` (the creation time
/// of an order no row dates).
pub fn merge(
    known: Option<&Order>,
    patch: &OrderPatch,
    source: OrderSource,
    now: DateTime<Utc>,
) -> Result<Merged, MergeError> {
    let Some(known) = known else {
        let email = patch
            .email
            .clone()
            .ok_or_else(|| MergeError::NoEmail(patch.number.clone()))?;
        return Ok(Merged::New(Order {
            number: patch.number.clone(),
            platform_id: patch.platform_id.clone(),
            email,
            customer_name: patch.customer_name.clone(),
            status: patch.status.unwrap_or(if patch.shipped_at.is_some() {
                OrderStatus::Shipped
            } else {
                OrderStatus::Placed
            }),
            financial_status: patch.financial_status.clone(),
            created_at: patch.created_at.unwrap_or(now),
            total_cents: patch.total_cents,
            currency: patch.currency.clone(),
            items: patch.items.clone(),
            carrier: patch.carrier.clone(),
            tracking_number: patch.tracking_number.clone(),
            tracking_url: patch.tracking_url.clone(),
            shipped_at: patch.shipped_at,
            delivered_at: patch.delivered_at,
            source,
        }));
    };
    let mut order = known.clone();
    let mut changes = Vec::new();
    set(
        &mut changes,
        "platform_id",
        &mut order.platform_id,
        &patch.platform_id,
    );
    if let Some(email) = &patch.email {
        let mut e = Some(order.email.clone());
        set(&mut changes, "email", &mut e, &Some(email.clone()));
        order.email = e.unwrap_or_default();
    }
    set(
        &mut changes,
        "customer_name",
        &mut order.customer_name,
        &patch.customer_name,
    );
    if let Some(status) = patch.status
        && status != order.status
    {
        changes.push(OrderChange {
            field: "status",
            old: Some(order.status.to_string()),
            new: Some(status.to_string()),
        });
        order.status = status;
    }
    set(
        &mut changes,
        "financial_status",
        &mut order.financial_status,
        &patch.financial_status,
    );
    if let Some(created) = patch.created_at
        && created != order.created_at
    {
        changes.push(OrderChange {
            field: "created_at",
            old: Some(order.created_at.to_rfc3339()),
            new: Some(created.to_rfc3339()),
        });
        order.created_at = created;
    }
    set(
        &mut changes,
        "total",
        &mut order.total_cents,
        &patch.total_cents,
    );
    set(
        &mut changes,
        "currency",
        &mut order.currency,
        &patch.currency,
    );
    if !patch.items.is_empty() && patch.items != order.items {
        changes.push(OrderChange {
            field: "items",
            old: Some(items_text(&order.items)),
            new: Some(items_text(&patch.items)),
        });
        order.items = patch.items.clone();
    }
    set(&mut changes, "carrier", &mut order.carrier, &patch.carrier);
    set(
        &mut changes,
        "tracking_number",
        &mut order.tracking_number,
        &patch.tracking_number,
    );
    set(
        &mut changes,
        "tracking_url",
        &mut order.tracking_url,
        &patch.tracking_url,
    );
    set_time(
        &mut changes,
        "shipped_at",
        &mut order.shipped_at,
        &patch.shipped_at,
    );
    set_time(
        &mut changes,
        "delivered_at",
        &mut order.delivered_at,
        &patch.delivered_at,
    );
    if changes.is_empty() {
        return Ok(Merged::Unchanged);
    }
    order.source = source;
    Ok(Merged::Updated(order, changes))
}

/// Takes `new` into `field` when it says something and differs, noting the change.
fn set<T: Clone + PartialEq + fmt::Display>(
    changes: &mut Vec<OrderChange>,
    name: &'static str,
    field: &mut Option<T>,
    new: &Option<T>,
) {
    if let Some(new) = new
        && field.as_ref() != Some(new)
    {
        changes.push(OrderChange {
            field: name,
            old: field.as_ref().map(ToString::to_string),
            new: Some(new.to_string()),
        });
        *field = Some(new.clone());
    }
}

/// `set` for times, logged as RFC 3339 like every time shopdesk prints.
fn set_time(
    changes: &mut Vec<OrderChange>,
    name: &'static str,
    field: &mut Option<DateTime<Utc>>,
    new: &Option<DateTime<Utc>>,
) {
    if let Some(new) = new
        && field.as_ref() != Some(new)
    {
        changes.push(OrderChange {
            field: name,
            old: field.map(|t| t.to_rfc3339()),
            new: Some(new.to_rfc3339()),
        });
        *field = Some(*new);
    }
}

/// Minor units as decimal text: `4990` → `"49.90"`, `-5` → `"-0.05"`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

impl Order {
    /// The total with its currency, as people read it: `129.00 EUR`.
    pub fn total_text(&self) -> Option<String> {
        self.total_cents.map(|c| match &self.currency {
            Some(cur) => format!("{} {cur}", money(c)),
            None => money(c),
        })
    }
}

/// Items as people read them: `2 × Backpack (BP-1); 1 × Hat`.
pub fn items_text(items: &[OrderItem]) -> String {
    items
        .iter()
        .map(|i| match &i.sku {
            Some(sku) => format!("{} × {} ({sku})", i.quantity, i.name),
            None => format!("{} × {}", i.quantity, i.name),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Money as written in exports (`49.90`, `1,234.50`, `49,90`, `1.234,50`, `€49.90`) in
/// minor units; `None` for anything else.
pub fn parse_money(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .collect();
    if t.is_empty() || !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let negative = t.starts_with('-');
    let t = t.trim_start_matches('-');
    if t.contains('-') {
        return None;
    }
    // The last separator followed by one or two digits is the decimal mark; any other
    // separator groups thousands (`1.234` is one thousand: shop totals have two decimals).
    let (whole, fraction) = match t.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(t.len() - i - 1)) => (&t[..i], &t[i + 1..]),
        _ => (t, ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let value = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests;
