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
    let mut c = Changes::default();
    c.fill(
        "platform_id",
        &mut order.platform_id,
        patch.platform_id.as_ref(),
    );
    c.take("email", &mut order.email, patch.email.as_ref());
    c.fill(
        "customer_name",
        &mut order.customer_name,
        patch.customer_name.as_ref(),
    );
    c.take("status", &mut order.status, patch.status.as_ref());
    c.fill(
        "financial_status",
        &mut order.financial_status,
        patch.financial_status.as_ref(),
    );
    c.take(
        "created_at",
        &mut order.created_at,
        patch.created_at.as_ref(),
    );
    c.fill("total", &mut order.total_cents, patch.total_cents.as_ref());
    c.fill("currency", &mut order.currency, patch.currency.as_ref());
    // no items in the row leaves the known ones
    c.take(
        "items",
        &mut order.items,
        Some(&patch.items).filter(|i| !i.is_empty()),
    );
    c.fill("carrier", &mut order.carrier, patch.carrier.as_ref());
    c.fill(
        "tracking_number",
        &mut order.tracking_number,
        patch.tracking_number.as_ref(),
    );
    c.fill(
        "tracking_url",
        &mut order.tracking_url,
        patch.tracking_url.as_ref(),
    );
    c.fill(
        "shipped_at",
        &mut order.shipped_at,
        patch.shipped_at.as_ref(),
    );
    c.fill(
        "delivered_at",
        &mut order.delivered_at,
        patch.delivered_at.as_ref(),
    );
    if c.0.is_empty() {
        return Ok(Merged::Unchanged);
    }
    order.source = source;
    Ok(Merged::Updated(order, c.0))
}

/// A value as an order's change log writes it.
trait Logged {
    fn logged(&self) -> String;
}

impl Logged for String {
    fn logged(&self) -> String {
        self.clone()
    }
}

impl Logged for i64 {
    fn logged(&self) -> String {
        self.to_string()
    }
}

impl Logged for OrderStatus {
    fn logged(&self) -> String {
        self.as_str().to_string()
    }
}

/// RFC 3339, like every time shopdesk prints.
impl Logged for DateTime<Utc> {
    fn logged(&self) -> String {
        self.to_rfc3339()
    }
}

impl Logged for Vec<OrderItem> {
    fn logged(&self) -> String {
        items_text(self)
    }
}

/// The fields a patch changed, in order.
#[derive(Default)]
struct Changes(Vec<OrderChange>);

impl Changes {
    /// Takes `new` (when the patch says something that differs) into a field that always
    /// has a value.
    fn take<T: Logged + PartialEq + Clone>(
        &mut self,
        name: &'static str,
        field: &mut T,
        new: Option<&T>,
    ) {
        if let Some(new) = new.filter(|n| *n != field) {
            self.0.push(OrderChange {
                field: name,
                old: Some(field.logged()),
                new: Some(new.logged()),
            });
            *field = new.clone();
        }
    }

    /// The same for a field that may be empty.
    fn fill<T: Logged + PartialEq + Clone>(
        &mut self,
        name: &'static str,
        field: &mut Option<T>,
        new: Option<&T>,
    ) {
        if let Some(new) = new.filter(|n| field.as_ref() != Some(*n)) {
            self.0.push(OrderChange {
                field: name,
                old: field.as_ref().map(Logged::logged),
                new: Some(new.logged()),
            });
            *field = Some(new.clone());
        }
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
