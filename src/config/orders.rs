//! `[orders]`: how orders are found in mail — the shop's order-number pattern, the
//! platform notifications' subjects and senders, and the carriers the shop ships with.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ConfigError;
use crate::domain::notification::{MailOrderRules, default_senders, default_subjects};
use crate::domain::order::OrderStatus;
use crate::domain::order_mention::{NumberPattern, OrderFinder, PatternError};

/// The validated `[orders]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrdersConfig {
    /// How the shop writes its numbers: `#{number}` (default), `SD-{number}`.
    pub number_pattern: String,
    /// Notification subjects by the status they report.
    pub notification_subjects: Vec<(OrderStatus, Vec<String>)>,
    /// Platform sending addresses (globs); the shop's own addresses count as well.
    pub notification_senders: Vec<String>,
    /// Carriers the shop ships with (ids or names from the carrier table).
    pub carriers: Vec<String>,
}

impl Default for OrdersConfig {
    fn default() -> Self {
        OrdersConfig {
            number_pattern: "#{number}".into(),
            notification_subjects: default_subjects(),
            notification_senders: default_senders(),
            carriers: Vec::new(),
        }
    }
}

impl OrdersConfig {
    /// The compiled rules sync reads mail with.
    pub fn rules(&self) -> Result<MailOrderRules, PatternError> {
        let finder = OrderFinder::new(NumberPattern::parse(&self.number_pattern)?)?;
        MailOrderRules::new(
            &self.notification_subjects,
            &self.notification_senders,
            finder,
            self.carriers.clone(),
        )
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrders {
    number_pattern: Option<String>,
    /// `{ shipped = ["…"], … }`: a status given replaces that status's defaults.
    notification_subjects: Option<BTreeMap<String, Vec<String>>>,
    notification_senders: Option<Vec<String>>,
    carriers: Option<Vec<String>>,
}

impl RawOrders {
    pub(super) fn validate(self, path: &Path) -> Result<OrdersConfig, ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key: format!("orders.{key}"),
            message,
        };
        let mut cfg = OrdersConfig::default();
        if let Some(p) = self.number_pattern {
            NumberPattern::parse(&p).map_err(|e| invalid("number_pattern", e.to_string()))?;
            cfg.number_pattern = p;
        }
        for (word, subjects) in self.notification_subjects.unwrap_or_default() {
            let status: OrderStatus =
                word.parse()
                    .map_err(|e: crate::domain::order::UnknownOrderStatus| {
                        invalid("notification_subjects", e.to_string())
                    })?;
            match cfg
                .notification_subjects
                .iter_mut()
                .find(|(s, _)| *s == status)
            {
                Some((_, list)) => *list = subjects,
                None => cfg.notification_subjects.push((status, subjects)),
            }
        }
        if let Some(senders) = self.notification_senders {
            cfg.notification_senders = senders;
        }
        if let Some(carriers) = self.carriers {
            let table = crate::domain::tracking::table();
            if let Some(bad) = carriers.iter().find(|c| table.carrier_named(c).is_none()) {
                return Err(invalid(
                    "carriers",
                    format!("unknown carrier `{bad}` (use a name such as UPS, DHL, PostNord)"),
                ));
            }
            cfg.carriers = carriers;
        }
        cfg.rules()
            .map_err(|e| invalid("notification_subjects", e.to_string()))?;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<OrdersConfig, ConfigError> {
        let raw: RawOrders = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: "t".into(),
            key: "orders".into(),
            message: e.to_string(),
        })?;
        raw.validate(Path::new("config.toml"))
    }

    #[test]
    fn defaults_and_overrides() {
        let d = parse("").expect("empty");
        assert_eq!(d, OrdersConfig::default());
        let c = parse(
            "number_pattern = \"SD-{number}\"\ncarriers = [\"PostNord\"]\n\
             [notification_subjects]\nshipped = [\"Paket {number} unterwegs\"]\n",
        )
        .expect("set");
        assert_eq!(c.number_pattern, "SD-{number}");
        let shipped = c
            .notification_subjects
            .iter()
            .find(|(s, _)| *s == OrderStatus::Shipped)
            .map(|(_, l)| l.clone());
        assert_eq!(shipped, Some(vec!["Paket {number} unterwegs".to_string()]));
        // Other statuses keep their defaults.
        assert!(
            c.notification_subjects
                .iter()
                .any(|(s, l)| *s == OrderStatus::Placed && !l.is_empty())
        );
    }

    /// The README's section, read as part of a whole config, reaches every account.
    #[test]
    fn the_readme_section_reaches_the_accounts() {
        let text = r#"
[[accounts]]
name = "shop"
email = "shop@example.test"
[accounts.imap]
host = "imap.example.test"

[orders]
number_pattern = "SD-{number}"
carriers = ["PostNord", "UPS"]
notification_senders = ["*@shopify.com", "wordpress@*"]
[orders.notification_subjects]
shipped = ["A shipment from order {number} is on the way", "Your * order is now complete"]
"#;
        let cfg = super::super::Config::parse(text, Path::new("config.toml")).expect("config");
        let orders = &cfg.accounts[0].orders;
        assert_eq!(orders.number_pattern, "SD-{number}");
        let rules = orders.rules().expect("rules");
        assert_eq!(rules.finder.find("about SD-1001"), vec!["SD-1001"]);
        assert!(
            rules
                .recognise(
                    "mailer@shopify.com",
                    false,
                    "Your Nordic Boots order is now complete"
                )
                .is_some()
        );
        assert!(!rules.is_platform("noreply@example.test"));
    }

    #[test]
    fn bad_values_name_their_key() {
        for (text, key) in [
            ("number_pattern = \"SD-\"", "orders.number_pattern"),
            (
                "[notification_subjects]\nsent = [\"x\"]",
                "orders.notification_subjects",
            ),
            (
                "[notification_subjects]\nplaced = [\"{number} {number}\"]",
                "orders.notification_subjects",
            ),
            ("carriers = [\"Pigeon Post\"]", "orders.carriers"),
        ] {
            match parse(text) {
                Err(ConfigError::Invalid { key: k, .. }) => assert_eq!(k, key, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
