//! Configuration: raw TOML → validated [`Config`]. Errors name the file, the line and the key,
//! and say what would be valid.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

pub mod orders;
mod paths;
pub mod providers;
pub mod render;
mod secrets;
mod service;
mod sla;
mod sla_tables;
pub mod survey;
pub use orders::OrdersConfig;
pub mod views;

pub use paths::{config_dir, data_dir, default_config_path, default_db_path, state_dir};
pub use service::{OutboxConfig, ShopConfig, SyncConfig, parse_duration};
pub use sla::SlaConfig;
pub use survey::SurveyConfig;
pub use views::{ConsoleConfig, View};

/// Where a config value came from, for error messages.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("no config file at {path}; run `shopdesk init` to create one, or pass --config FILE")]
    Missing { path: PathBuf },
    #[error("account '{account}': {what}: {message}")]
    Password {
        account: String,
        what: String,
        message: String,
    },
    /// What the command printed is left out on purpose: a password manager's complaint may
    /// quote a secret, and this message ends up in logs and in the outbox's `last_error`.
    #[error("password_cmd for account '{account}' failed ({status}); run it in a shell to see why")]
    PasswordCommand { account: String, status: String },
    /// As with `password_cmd`, the command's output stays out: it may hold a token.
    #[error(
        "oauth2_token_cmd for account '{account}' failed ({status}); run it in a shell to see why"
    )]
    TokenCommand { account: String, status: String },
    #[error("{path}:{line}: {key}: {message}")]
    At {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain TCP: only sensible on loopback or inside a trusted network.
    None,
    Starttls,
    #[default]
    Tls,
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Security::None => "none",
            Security::Starttls => "starttls",
            Security::Tls => "tls",
        })
    }
}

/// One way to obtain a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    Command(String),
    Env(String),
    Plain(String),
    None,
}

/// The SASL mechanism that carries an OAuth2 access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OAuth2Mechanism {
    /// Google's and Microsoft's original mechanism; every OAuth2 mail server takes it.
    Xoauth2,
    /// RFC 7628, the standard one.
    Oauthbearer,
}

/// Sign-in with an OAuth2 access token printed by the user's own command (a token helper
/// such as oama, or a script), instead of a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Config {
    pub token_cmd: String,
    /// None: what the server offers (see the IMAP and SMTP modules).
    pub mechanism: Option<OAuth2Mechanism>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub password: PasswordSource,
    /// Set instead of a password source: the server is signed in to with a token.
    pub oauth2: Option<OAuth2Config>,
    /// Extra CA certificates (PEM) to trust besides the bundled web roots, for a shop's
    /// self-signed or private-CA server.
    pub ca_file: Option<PathBuf>,
}

/// The folder that holds the shop's sent mail.
#[derive(Debug, Clone)]
pub enum SentFolder {
    /// `sent_folder` in the config.
    Named(String),
    /// Not configured: the mailbox the server marks \Sent (RFC 6154), so `[Gmail]/Sent Mail`
    /// and localised names work. Filled at the first connection of the run and shared by
    /// every copy of the account; "Sent" until then, or when the server marks none.
    Discovered(Arc<OnceLock<String>>),
}

impl SentFolder {
    pub fn name(&self) -> &str {
        match self {
            SentFolder::Named(n) => n,
            SentFolder::Discovered(found) => found.get().map_or("Sent", String::as_str),
        }
    }
}

impl PartialEq for SentFolder {
    fn eq(&self, other: &Self) -> bool {
        matches!(
            (self, other),
            (SentFolder::Named(_), SentFolder::Named(_))
                | (SentFolder::Discovered(_), SentFolder::Discovered(_))
        ) && self.name() == other.name()
    }
}

impl Eq for SentFolder {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoAckConfig {
    pub enabled: bool,
    pub template: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    pub name: String,
    pub email: String,
    /// Other addresses of the shop: mail from them is outgoing.
    pub aliases: Vec<String>,
    /// The `TAG` in `[TAG #123]`.
    pub ticket_tag: String,
    pub folders: Vec<String>,
    pub sent_folder: SentFolder,
    pub imap: ServerConfig,
    pub smtp: Option<ServerConfig>,
    pub auto_ack: AutoAckConfig,
    pub signature: Option<String>,
    /// APPEND a copy of each reply to `sent_folder`; false for servers that file sent
    /// mail themselves (e.g. Gmail).
    pub save_sent: bool,
    /// Send an HTML alternative rendered from the reply's Markdown.
    pub html_replies: bool,
    /// The SMTP server's limit on this account, in messages per minute.
    pub max_per_minute: Option<u32>,
    /// The shop's service-level targets (from `[sla]`), which sync uses for due times.
    pub sla: SlaConfig,
    /// How sync treats the shop's own replies and a mailbox's history (from `[sync]`).
    pub sync: SyncConfig,
    /// How orders are found in the account's mail (from `[orders]`).
    pub orders: OrdersConfig,
}

impl AccountConfig {
    /// Whether `email` is one of the shop's own addresses on this account.
    pub fn is_own_address(&self, email: &str) -> bool {
        let e = email.trim().to_lowercase();
        e == self.email || self.aliases.contains(&e)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub agent: String,
    pub accounts: Vec<AccountConfig>,
    pub shop: ShopConfig,
    pub sla: SlaConfig,
    pub outbox: OutboxConfig,
    pub sync: SyncConfig,
    /// Saved searches shown as queues, in the order given.
    pub views: Vec<View>,
    pub console: ConsoleConfig,
    /// CSAT/NPS surveys on solved tickets.
    pub survey: SurveyConfig,
}

impl Config {
    pub fn account(&self, name: &str) -> Option<&AccountConfig> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// Loads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing {
                    path: path.to_path_buf(),
                });
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let mut cfg = Config::parse(&text, path)?;
        cfg.path = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// Parses config text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        raw.validate(path, text)
    }
}

/// 1-based line and column (in characters) of a byte offset: where a TOML error points,
/// in the config, a keymap or a theme.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    agent: Option<String>,
    #[serde(default)]
    shop: service::RawShop,
    #[serde(default)]
    sla: sla::RawSla,
    #[serde(default)]
    outbox: service::RawOutbox,
    #[serde(default)]
    sync: service::RawSync,
    #[serde(default)]
    orders: orders::RawOrders,
    #[serde(default)]
    accounts: Vec<RawAccount>,
    #[serde(default)]
    views: Vec<views::RawView>,
    #[serde(default)]
    console: views::RawConsole,
    #[serde(default)]
    survey: survey::RawSurvey,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    name: String,
    email: String,
    #[serde(default)]
    aliases: Vec<String>,
    ticket_tag: Option<String>,
    #[serde(default)]
    folders: Option<Vec<String>>,
    sent_folder: Option<String>,
    imap: RawServer,
    smtp: Option<RawServer>,
    auto_ack: Option<RawAutoAck>,
    signature: Option<String>,
    save_sent: Option<bool>,
    html_replies: Option<bool>,
    max_per_minute: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    host: String,
    port: Option<u16>,
    #[serde(default)]
    security: Security,
    user: Option<String>,
    password_cmd: Option<String>,
    password_env: Option<String>,
    password: Option<String>,
    oauth2_token_cmd: Option<toml::Spanned<String>>,
    auth: Option<toml::Spanned<OAuth2Mechanism>>,
    ca_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAutoAck {
    #[serde(default)]
    enabled: bool,
    template: Option<String>,
}

impl RawConfig {
    fn validate(mut self, path: &Path, text: &str) -> Result<Config, ConfigError> {
        let sla = std::mem::take(&mut self.sla).validate(path, text)?;
        let sync = std::mem::take(&mut self.sync).validate(path)?;
        let orders = std::mem::take(&mut self.orders).validate(path)?;
        let invalid = |key: String, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            message,
        };
        let agent = self
            .agent
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "me".to_string());
        let mut accounts = Vec::new();
        for (i, a) in self.accounts.into_iter().enumerate() {
            let key = format!("accounts[{i}]");
            if a.name.trim().is_empty() {
                return Err(invalid(format!("{key}.name"), "must not be empty".into()));
            }
            if accounts.iter().any(|x: &AccountConfig| x.name == a.name) {
                return Err(invalid(
                    format!("{key}.name"),
                    format!(
                        "account name '{}' is used twice; names must be unique",
                        a.name
                    ),
                ));
            }
            if !a.email.contains('@') {
                return Err(invalid(
                    format!("{key}.email"),
                    format!("'{}' is not an email address", a.email),
                ));
            }
            let tag = a.ticket_tag.unwrap_or_else(|| default_tag(&a.name));
            if tag.is_empty()
                || !tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(invalid(
                    format!("{key}.ticket_tag"),
                    format!("'{tag}' must be letters, digits, '-' or '_'"),
                ));
            }
            let folders = a.folders.unwrap_or_else(|| vec!["INBOX".to_string()]);
            if folders.is_empty() {
                return Err(invalid(
                    format!("{key}.folders"),
                    "list at least one folder, e.g. [\"INBOX\"]".into(),
                ));
            }
            let imap = a
                .imap
                .validate(&format!("{key}.imap"), &a.email, 993, 143, path, text)?;
            let smtp = a
                .smtp
                .map(|s| s.validate(&format!("{key}.smtp"), &a.email, 465, 587, path, text))
                .transpose()?;
            let auto_ack = a.auto_ack.map_or(
                AutoAckConfig {
                    enabled: false,
                    template: "ack".into(),
                },
                |r| AutoAckConfig {
                    enabled: r.enabled,
                    template: r.template.unwrap_or_else(|| "ack".into()),
                },
            );
            accounts.push(AccountConfig {
                email: a.email.trim().to_lowercase(),
                aliases: a.aliases.iter().map(|s| s.trim().to_lowercase()).collect(),
                name: a.name,
                ticket_tag: tag,
                folders,
                sent_folder: a
                    .sent_folder
                    .map_or_else(|| SentFolder::Discovered(Arc::default()), SentFolder::Named),
                imap,
                smtp,
                auto_ack,
                signature: a.signature,
                save_sent: a.save_sent.unwrap_or(true),
                html_replies: a.html_replies.unwrap_or(false),
                max_per_minute: a.max_per_minute.filter(|n| *n > 0),
                sla: sla.clone(),
                sync: sync.clone(),
                orders: orders.clone(),
            });
        }
        for p in &sla.policies {
            if let Some(a) = &p.when.account
                && !accounts.iter().any(|x| x.name == *a)
            {
                return Err(invalid(
                    format!("sla.policy[{}].account", p.name),
                    format!("no account named '{a}'"),
                ));
            }
        }
        let own_digest = sla
            .digest_to
            .as_deref()
            .filter(|to| accounts.iter().any(|a| a.is_own_address(to)));
        if let Some(to) = own_digest {
            let why = "a mailbox sync reads, so the digest would come back as mail: use the owner's own address";
            return Err(invalid("sla.digest_to".into(), format!("`{to}` is {why}")));
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            agent,
            accounts,
            shop: self.shop.validate(path)?,
            sla,
            outbox: self.outbox.validate(),
            sync,
            views: views::validate(std::mem::take(&mut self.views), path, text)?,
            console: std::mem::take(&mut self.console).validate(),
            survey: std::mem::take(&mut self.survey).validate(path, text)?,
        })
    }
}

/// RT-style tag from the account name: "my shop" → "MY-SHOP".
fn default_tag(name: &str) -> String {
    let t: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .collect();
    let t = t.trim_matches('-').to_string();
    if t.is_empty() { "TICKET".into() } else { t }
}

impl RawServer {
    fn validate(
        self,
        key: &str,
        default_user: &str,
        tls_port: u16,
        plain_port: u16,
        path: &Path,
        text: &str,
    ) -> Result<ServerConfig, ConfigError> {
        let at = |span: std::ops::Range<usize>, what: &str, message: &str| ConfigError::At {
            path: path.to_path_buf(),
            line: line_col(text, span.start).0,
            key: format!("{key}.{what}"),
            message: message.to_string(),
        };
        let set = [
            self.password_cmd.is_some(),
            self.password_env.is_some(),
            self.password.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if let Some(cmd) = &self.oauth2_token_cmd
            && set > 0
        {
            return Err(at(
                cmd.span(),
                "oauth2_token_cmd",
                "signs in with a token instead of a password: remove password_cmd, \
                 password_env and password from this section",
            ));
        }
        if let (Some(auth), None) = (&self.auth, &self.oauth2_token_cmd) {
            return Err(at(
                auth.span(),
                "auth",
                "chooses how an OAuth2 token is sent; set oauth2_token_cmd too, or remove it",
            ));
        }
        if let Some(cmd) = &self.oauth2_token_cmd
            && cmd.get_ref().trim().is_empty()
        {
            return Err(at(cmd.span(), "oauth2_token_cmd", "must not be empty"));
        }
        if set > 1 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                key: key.to_string(),
                message: "set only one of password_cmd, password_env, password".into(),
            });
        }
        if self.host.trim().is_empty() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                key: format!("{key}.host"),
                message: "must not be empty".into(),
            });
        }
        let password = if let Some(c) = self.password_cmd {
            PasswordSource::Command(c)
        } else if let Some(v) = self.password_env {
            PasswordSource::Env(v)
        } else if let Some(p) = self.password {
            tracing::warn!(
                "{}: {key}.password is stored in plain text; prefer password_cmd or password_env",
                path.display()
            );
            PasswordSource::Plain(p)
        } else {
            PasswordSource::None
        };
        let port = self.port.unwrap_or(match self.security {
            Security::Tls => tls_port,
            _ => plain_port,
        });
        let oauth2 = self.oauth2_token_cmd.map(|cmd| OAuth2Config {
            token_cmd: cmd.into_inner(),
            mechanism: self.auth.map(toml::Spanned::into_inner),
        });
        Ok(ServerConfig {
            host: self.host,
            port,
            security: self.security,
            user: self.user.unwrap_or_else(|| default_user.to_string()),
            password,
            oauth2,
            ca_file: self.ca_file,
        })
    }
}

#[cfg(test)]
mod tests;
