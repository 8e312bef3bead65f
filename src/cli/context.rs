//! What every command needs: where the config and the database are, loaded on demand.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::config::{self, Config};
use crate::store::Store;

pub struct Context {
    config_path: PathBuf,
    explicit_config: bool,
    pub explicit_db: bool,
    pub db_path: PathBuf,
}

impl Context {
    pub fn new(config: Option<PathBuf>, db: Option<PathBuf>) -> Context {
        Context {
            explicit_config: config.is_some(),
            explicit_db: db.is_some(),
            config_path: config.unwrap_or_else(config::default_config_path),
            db_path: db.unwrap_or_else(config::default_db_path),
        }
    }

    /// Where the config is read from (and where `init` writes it).
    pub fn config_path(&self) -> &std::path::Path {
        &self.config_path
    }

    /// The config; required by commands that talk to servers.
    pub fn config(&self) -> anyhow::Result<Config> {
        Ok(Config::load(&self.config_path)?)
    }

    /// The config if there is one (read-only commands work without), else defaults.
    pub fn config_or_default(&self) -> anyhow::Result<Config> {
        match Config::load(&self.config_path) {
            Ok(c) => Ok(c),
            Err(config::ConfigError::Missing { .. }) if !self.explicit_config => Ok(Config {
                path: None,
                agent: std::env::var("USER").unwrap_or_else(|_| "me".into()),
                accounts: Vec::new(),
                shop: config::ShopConfig {
                    default_language: "en".into(),
                    ..Default::default()
                },
                sla: Default::default(),
                outbox: Default::default(),
                sync: Default::default(),
                views: Vec::new(),
                console: Default::default(),
                survey: Default::default(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    pub fn store(&self) -> anyhow::Result<Store> {
        Store::open(&self.db_path).with_context(|| "opening the ticket cache".to_string())
    }
}
