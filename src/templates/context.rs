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
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipped_date: Option<String>,
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
                carrier: Some("PostNord".into()),
                tracking_number: Some("AB123456789SE".into()),
                tracking_url: Some("https://tracking.example/AB123456789SE".into()),
                shipped_date: Some("2026-11-20".into()),
            }),
            reply_by: Some("Tuesday 11:00".into()),
        }
    }
}
