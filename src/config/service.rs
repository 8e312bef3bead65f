//! The shop-wide settings: who the shop is (for templates), how sync files the shop's own
//! mail, and how the outbox behaves. Service levels are in `sla`.

use std::path::Path;

use chrono::Duration;
use serde::Deserialize;

use super::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopConfig {
    /// The shop's name as customers know it; defaults to the first account's name.
    pub name: Option<String>,
    pub return_address: Option<String>,
    /// Template language when the customer's is unknown or has no variant.
    pub default_language: String,
    /// Extra template folder (besides the config folder's `templates/`).
    pub templates: Option<std::path::PathBuf>,
    /// The shop's own script that asks its platform for an order (by number or e-mail,
    /// given as `$1`) and prints it as JSON (README, "Orders").
    pub order_lookup_cmd: Option<String>,
    /// How long a lookup's answer is used before the script is asked again.
    pub order_lookup_max_age: Duration,
}

impl Default for ShopConfig {
    fn default() -> Self {
        ShopConfig {
            name: None,
            return_address: None,
            default_language: "en".into(),
            templates: None,
            order_lookup_cmd: None,
            order_lookup_max_age: Duration::hours(1),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxConfig {
    /// Seconds a reply waits before delivery in the console (undo window).
    pub undo_seconds: u64,
    /// The same for the CLI (default 0: scripts send at once).
    pub cli_undo_seconds: u64,
}

/// How sync files mail the shop sent from other clients, and a mailbox's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// Status a new or open ticket takes when the shop answers from any client; `None`
    /// leaves it (`shop_reply_status = "none"`).
    pub shop_reply_status: Option<crate::domain::Status>,
    /// On a mailbox's first sync, conversations quiet for longer than this start solved.
    pub history_cutoff_secs: i64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            shop_reply_status: Some(crate::domain::Status::Pending),
            history_cutoff_secs: 14 * 86_400,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSync {
    shop_reply_status: Option<String>,
    history_cutoff: Option<String>,
}

impl RawSync {
    pub(super) fn validate(self, path: &Path) -> Result<SyncConfig, ConfigError> {
        let d = SyncConfig::default();
        let shop_reply_status = match self.shop_reply_status.as_deref() {
            None => d.shop_reply_status,
            Some("none") => None,
            Some(s) => Some(s.parse().map_err(|_| {
                invalid(
                    path,
                    "sync.shop_reply_status",
                    format!("`{s}`: use open, pending, solved or none"),
                )
            })?),
        };
        let history_cutoff_secs = match self.history_cutoff.as_deref() {
            None => d.history_cutoff_secs,
            Some(s) => parse_duration(s).map(|d| d.num_seconds()).ok_or_else(|| {
                invalid(
                    path,
                    "sync.history_cutoff",
                    format!("`{s}`: use a duration such as 14d, 72h or 2w"),
                )
            })?,
        };
        Ok(SyncConfig {
            shop_reply_status,
            history_cutoff_secs,
        })
    }
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            undo_seconds: 10,
            cli_undo_seconds: 0,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShop {
    name: Option<String>,
    return_address: Option<String>,
    default_language: Option<String>,
    templates: Option<std::path::PathBuf>,
    order_lookup_cmd: Option<String>,
    order_lookup_max_age: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutbox {
    undo_seconds: Option<u64>,
    cli_undo_seconds: Option<u64>,
}

pub(super) fn invalid(path: &Path, key: &str, message: String) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_path_buf(),
        key: key.to_string(),
        message,
    }
}

impl RawShop {
    pub(super) fn validate(self, path: &Path) -> Result<ShopConfig, ConfigError> {
        let lang = self.default_language.unwrap_or_else(|| "en".into());
        if lang.len() != 2 || !lang.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(invalid(
                path,
                "shop.default_language",
                format!("'{lang}' is not a two-letter language code such as en, sv, tr, ru, zh"),
            ));
        }
        let order_lookup_max_age = match &self.order_lookup_max_age {
            None => Duration::hours(1),
            Some(text) => parse_duration(text).ok_or_else(|| {
                invalid(
                    path,
                    "shop.order_lookup_max_age",
                    format!("'{text}' is not a duration such as 30m, 1h or 1d"),
                )
            })?,
        };
        let order_lookup_cmd = self.order_lookup_cmd.filter(|c| !c.trim().is_empty());
        Ok(ShopConfig {
            name: self.name,
            return_address: self.return_address,
            default_language: lang,
            templates: self.templates,
            order_lookup_cmd,
            order_lookup_max_age,
        })
    }
}

/// "4h", "90m", "2d" (days of 24 business hours are rarely meant: use hours).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let n: i64 = s[..split].parse().ok()?;
    match s[split..].trim() {
        "m" | "min" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        _ => None,
    }
}

impl RawOutbox {
    pub(super) fn validate(self) -> OutboxConfig {
        let d = OutboxConfig::default();
        OutboxConfig {
            undo_seconds: self.undo_seconds.unwrap_or(d.undo_seconds),
            cli_undo_seconds: self.cli_undo_seconds.unwrap_or(d.cli_undo_seconds),
        }
    }
}
