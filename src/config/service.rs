//! The shop-wide settings: who the shop is (for templates), its service-level targets over
//! business hours, and how the outbox behaves.

use std::path::Path;

use chrono::{Duration, FixedOffset, NaiveTime, Weekday};
use serde::Deserialize;

use super::ConfigError;
use crate::domain::sla::BusinessHours;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShopConfig {
    /// The shop's name as customers know it; defaults to the first account's name.
    pub name: Option<String>,
    pub return_address: Option<String>,
    /// Template language when the customer's is unknown or has no variant.
    pub default_language: String,
    /// Extra template folder (besides the config folder's `templates/`).
    pub templates: Option<std::path::PathBuf>,
    /// A command printing ORDER JSON for an order number or an address (`orders lookup`).
    pub order_lookup_cmd: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaConfig {
    /// First-response target, counted in business hours.
    pub first_response: Duration,
    pub hours: BusinessHours,
}

impl Default for SlaConfig {
    fn default() -> Self {
        SlaConfig {
            first_response: Duration::hours(8),
            hours: BusinessHours::default(),
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
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSla {
    first_response: Option<String>,
    days: Option<Vec<String>>,
    open: Option<String>,
    close: Option<String>,
    utc_offset: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutbox {
    undo_seconds: Option<u64>,
    cli_undo_seconds: Option<u64>,
}

fn invalid(path: &Path, key: &str, message: String) -> ConfigError {
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
        Ok(ShopConfig {
            name: self.name,
            return_address: self.return_address,
            default_language: lang,
            templates: self.templates,
            order_lookup_cmd: self.order_lookup_cmd.filter(|c| !c.trim().is_empty()),
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

fn parse_time(path: &Path, key: &str, s: &str) -> Result<NaiveTime, ConfigError> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| invalid(path, key, format!("'{s}' is not a time like 09:00")))
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * secs)
}

impl RawSla {
    pub(super) fn validate(self, path: &Path) -> Result<SlaConfig, ConfigError> {
        let d = SlaConfig::default();
        let first_response = match self.first_response {
            Some(s) => parse_duration(&s).ok_or_else(|| {
                invalid(
                    path,
                    "sla.first_response",
                    format!("'{s}' is not a duration like 4h or 90m"),
                )
            })?,
            None => d.first_response,
        };
        let days = match self.days {
            Some(list) => list
                .iter()
                .map(|s| {
                    parse_weekday(s).ok_or_else(|| {
                        invalid(
                            path,
                            "sla.days",
                            format!("'{s}' is not a weekday (mon, tue, ... sun)"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => d.hours.days,
        };
        let open = match self.open {
            Some(s) => parse_time(path, "sla.open", &s)?,
            None => d.hours.open,
        };
        let close = match self.close {
            Some(s) => parse_time(path, "sla.close", &s)?,
            None => d.hours.close,
        };
        if close <= open {
            return Err(invalid(
                path,
                "sla.close",
                "must be later than sla.open".into(),
            ));
        }
        let offset = match self.utc_offset {
            Some(s) => parse_offset(&s).ok_or_else(|| {
                invalid(
                    path,
                    "sla.utc_offset",
                    format!("'{s}' is not an offset like +01:00"),
                )
            })?,
            None => d.hours.offset,
        };
        Ok(SlaConfig {
            first_response,
            hours: BusinessHours {
                days,
                open,
                close,
                offset,
            },
        })
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
