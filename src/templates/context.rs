//! The variables a template sees. Absent values are left out (not empty), so printing one
//! is a render error rather than a blank in a customer's mail.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct CustomerVars {
    pub name: String,
    pub first_name: String,
    pub email: String,
}

impl CustomerVars {
    /// From a display name and address; without a name, the address's local part stands in.
    pub fn new(name: Option<&str>, email: &str) -> CustomerVars {
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
        let first_name = name.split_whitespace().next().unwrap_or(&name).to_string();
        CustomerVars {
            name,
            first_name,
            email: email.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct TicketVars {
    pub id: i64,
    pub subject: String,
    /// `[TAG #id]`
    pub token: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct ShopVars {
    pub name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_address: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct OrderVars {
    pub number: String,
    /// Our status word (`shipped`); rendering prints it in the template's language
    /// (`order_words`).
    pub status: String,
    /// `2 × Backpack (BP-1); 1 × Hat`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// `129.00 EUR`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipped_date: Option<String>,
    /// `YYYY-MM-DD`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
}

impl OrderVars {
    /// An order as templates print it: dates as `YYYY-MM-DD`, money as decimal text.
    pub fn from_order(o: &crate::domain::order::Order) -> OrderVars {
        let date = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
        OrderVars {
            number: o.number.clone(),
            status: o.status.as_str().to_string(),
            items: (!o.items.is_empty()).then(|| crate::domain::order::items_text(&o.items)),
            total: o.total_text(),
            carrier: o.carrier.clone(),
            tracking_number: o.tracking_number.clone(),
            tracking_url: o.tracking_url.clone(),
            shipped_date: o.shipped_at.map(date),
            delivered_at: o.delivered_at.map(date),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct RenderContext {
    pub customer: CustomerVars,
    pub ticket: TicketVars,
    pub agent: String,
    pub shop: ShopVars,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderVars>,
    /// When we promise to answer, for acknowledgements ("Tuesday 11:00").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<String>,
}

impl RenderContext {
    /// Plausible values for every variable, for `templates lint` and previews.
    pub fn sample() -> RenderContext {
        RenderContext {
            customer: CustomerVars::new(Some("Anna Berg"), "anna@example.com"),
            ticket: TicketVars {
                id: 1234,
                subject: "Where is my order?".into(),
                token: "[SHOP #1234]".into(),
            },
            agent: "alice".into(),
            shop: ShopVars {
                name: "Example Shop".into(),
                email: "support@example.com".into(),
                signature: Some("Example Shop customer service".into()),
                return_address: Some("Returns dept., 1 Example Street, Example Town".into()),
            },
            order: Some(OrderVars {
                number: "10023".into(),
                status: "shipped".into(),
                items: Some("1 × Wool sweater (WS-2)".into()),
                total: Some("129.00 EUR".into()),
                carrier: Some("PostNord".into()),
                tracking_number: Some("AB123456789SE".into()),
                tracking_url: Some("https://tracking.example/AB123456789SE".into()),
                shipped_date: Some("2026-11-20".into()),
                delivered_at: Some("2026-11-23".into()),
            }),
            reply_by: Some("Tuesday 11:00".into()),
        }
    }
}
