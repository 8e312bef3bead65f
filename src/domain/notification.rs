//! Shop-platform notifications (Shopify, WooCommerce) that reach a synced folder: told
//! apart from customers' mail, and read into an order patch. They report what happened to
//! an order; nobody waits for an answer, so they never become a ticket nor get an
//! acknowledgement.
//!
//! The rule: a mail is a notification when its sender is the shop itself or a platform
//! address (`notification_senders`, globs such as `*@shopify.com`) AND its whole subject
//! fits one of `notification_subjects` (merchants edit subjects, so both are config). A
//! customer writing "Order #1001 confirmed?" from their own address is a customer.

use chrono::{DateTime, Utc};
use regex::Regex;

use super::order::{OrderPatch, OrderStatus, normalize_number};
use super::order_mention::{OrderFinder, PatternError};
use super::tracking::Tracking;

/// The subjects each platform sends by default, by the status they report. `{number}` is
/// the order number (a leading `#` is optional), `*` any text (the shop's name).
pub fn default_subjects() -> Vec<(OrderStatus, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            OrderStatus::Placed,
            s(&[
                "Order {number} confirmed",
                "[*] Order {number} placed by *",
                "[*]: New order {number}",
                "Your * order has been received",
                "Thank you for your order {number}",
            ]),
        ),
        (
            OrderStatus::Shipped,
            s(&[
                "A shipment from order {number} is on the way",
                "A shipment from order {number} is out for delivery",
                "Shipping update for order {number}",
                "Your * order is now complete",
                "Your order {number} has shipped",
            ]),
        ),
        (
            OrderStatus::Delivered,
            s(&["A shipment from order {number} has been delivered"]),
        ),
        (
            OrderStatus::Cancelled,
            s(&[
                "Order {number} has been canceled",
                "Order {number} has been cancelled",
                "[*]: Order {number} has been cancelled",
            ]),
        ),
        (
            OrderStatus::Refunded,
            s(&[
                "Refund notification for order {number}",
                "Your * order {number} has been refunded",
                "Your * order has been refunded",
            ]),
        ),
    ]
}

/// Addresses the platforms send from (the shop's own addresses always count too).
pub fn default_senders() -> Vec<String> {
    [
        "*@shopify.com",
        "*@shopifyemail.com",
        "wordpress@*",
        "woocommerce@*",
        "noreply@*",
        "no-reply@*",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[derive(Debug, Clone)]
struct SubjectPattern {
    status: OrderStatus,
    regex: Regex,
}

/// What the mail side of orders needs: the notification rules, the order-number finder and
/// the carriers the shop ships with.
#[derive(Debug, Clone)]
pub struct MailOrderRules {
    subjects: Vec<SubjectPattern>,
    /// Lower-cased globs.
    senders: Vec<String>,
    pub finder: OrderFinder,
    /// Ids or names, the last word on a tracking number two carriers' formats both fit.
    pub carriers: Vec<String>,
}

impl Default for MailOrderRules {
    fn default() -> Self {
        // The built-in subjects are fixed text, tested below.
        MailOrderRules::new(
            &default_subjects(),
            &default_senders(),
            OrderFinder::default(),
            Vec::new(),
        )
        .expect("built-in notification subjects")
    }
}

/// A subject pattern → a regex over the whole subject, in any case; trailing `.` or `!`
/// may differ.
fn subject_regex(pattern: &str) -> Result<Regex, PatternError> {
    let mut re = String::from("(?i)^\\s*");
    let mut rest = pattern.trim().trim_end_matches(['.', '!']);
    let mut numbered = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("{number}") {
            if numbered {
                return Err(PatternError::BadText(pattern.to_string()));
            }
            numbered = true;
            re.push_str("#?\\s*(?P<number>[\\p{L}\\p{N}][\\p{L}\\p{N}_-]*)");
            rest = after;
        } else if let Some(after) = rest.strip_prefix('*') {
            re.push_str(".+?");
            rest = after;
        } else {
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                if c.is_whitespace() {
                    re.push_str("\\s+");
                    rest = chars.as_str().trim_start();
                    continue;
                }
                re.push_str(&regex::escape(&c.to_string()));
            }
            rest = chars.as_str();
        }
    }
    re.push_str("[.!]*\\s*$");
    Regex::new(&re).map_err(|e| PatternError::Regex {
        text: pattern.to_string(),
        message: e.to_string(),
    })
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            if !tail.contains('*') {
                return rest.ends_with(tail);
            }
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| glob(tail, &rest[i..]))
        }
    }
}

/// A mail recognised as a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    pub status: OrderStatus,
    /// From the subject; `None` when the subject names no number (WooCommerce's "Your …
    /// order is now complete", which has `[Order #1001]` in its body).
    pub number: Option<String>,
}

impl MailOrderRules {
    pub fn new(
        subjects: &[(OrderStatus, Vec<String>)],
        senders: &[String],
        finder: OrderFinder,
        carriers: Vec<String>,
    ) -> Result<MailOrderRules, PatternError> {
        let mut compiled = Vec::new();
        for (status, patterns) in subjects {
            for p in patterns {
                compiled.push(SubjectPattern {
                    status: *status,
                    regex: subject_regex(p)?,
                });
            }
        }
        Ok(MailOrderRules {
            subjects: compiled,
            senders: senders.iter().map(|s| s.trim().to_lowercase()).collect(),
            finder,
            carriers,
        })
    }

    /// Whether `email` is a platform's sending address.
    pub fn is_platform(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        !email.is_empty() && self.senders.iter().any(|g| glob(g, &email))
    }

    /// `Some` when the mail from `from` (one of the shop's own addresses when `from_shop`)
    /// with `subject` is a platform notification.
    pub fn recognise(&self, from: &str, from_shop: bool, subject: &str) -> Option<Recognised> {
        if !from_shop && !self.is_platform(from) {
            return None;
        }
        self.subjects.iter().find_map(|p| {
            let caps = p.regex.captures(subject)?;
            Some(Recognised {
                status: p.status,
                number: caps.name("number").map(|m| normalize_number(m.as_str())),
            })
        })
    }
}

/// What else a notification says, beside its subject.
#[derive(Debug, Clone)]
pub struct NotificationMail<'a> {
    pub date: DateTime<Utc>,
    /// The customer's address: the notification's recipient or Reply-To that is neither
    /// the shop nor a platform.
    pub customer: Option<&'a str>,
    /// Order numbers found in the body, in order.
    pub body_numbers: &'a [String],
    pub tracking: Option<&'a Tracking>,
}

/// The order patch a notification makes; `None` when it names no order.
pub fn order_patch(rec: &Recognised, mail: &NotificationMail) -> Option<OrderPatch> {
    let number = rec
        .number
        .clone()
        .or_else(|| mail.body_numbers.first().cloned())
        .filter(|n| !n.is_empty())?;
    let mut patch = OrderPatch {
        number,
        email: mail.customer.map(str::to_lowercase),
        ..OrderPatch::default()
    };
    match rec.status {
        // A confirmation never moves an order back: one that is known keeps its status.
        OrderStatus::Placed => patch.created_at = Some(mail.date),
        OrderStatus::Shipped => {
            patch.status = Some(OrderStatus::Shipped);
            patch.shipped_at = Some(mail.date);
        }
        OrderStatus::Delivered => {
            patch.status = Some(OrderStatus::Delivered);
            patch.delivered_at = Some(mail.date);
        }
        other => patch.status = Some(other),
    }
    if let Some(t) = mail.tracking {
        patch.tracking_number = Some(t.number.clone());
        patch.carrier = t.carrier.clone();
        patch.tracking_url = t.url.clone();
    }
    Some(patch)
}

#[cfg(test)]
mod tests;
