//! Where shopdesk keeps its files by default, following XDG: a variable that is set wins,
//! else the directory under the home directory.

use std::path::PathBuf;

pub fn default_config_path() -> PathBuf {
    config_dir().join("config.toml")
}

pub fn default_db_path() -> PathBuf {
    data_dir().join("shopdesk.db")
}

pub fn config_dir() -> PathBuf {
    xdg_dir("XDG_CONFIG_HOME", ".config").join("shopdesk")
}

pub fn data_dir() -> PathBuf {
    xdg_dir("XDG_DATA_HOME", ".local/share").join("shopdesk")
}

pub fn state_dir() -> PathBuf {
    xdg_dir("XDG_STATE_HOME", ".local/state").join("shopdesk")
}

fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(fallback))
            .unwrap_or_else(|| PathBuf::from(".").join(fallback)),
    }
}
