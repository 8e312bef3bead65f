//! Saved views and the console's own settings: `[[views]]` in the config, the views file
//! beside it (`views.toml`, where the console's `:save NAME` appends), and `[console]`.
//! A view's query is checked here, so a typo is a config error at its line and column
//! rather than an empty queue.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, line_col};
use crate::domain::query::parse_query;

/// The views file's name, beside the config file.
pub const VIEWS_FILE: &str = "views.toml";

/// A named query shown as a queue after the built-in ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// Clicks and the wheel are the console's (Shift still selects text in most terminals).
    pub mouse: bool,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig { mouse: true }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConsole {
    mouse: Option<bool>,
}

impl RawConsole {
    pub(super) fn validate(self) -> ConsoleConfig {
        ConsoleConfig {
            mouse: self.mouse.unwrap_or(true),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawView {
    name: Spanned<String>,
    query: Spanned<String>,
}

/// The views file: `[[views]]` tables only.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawViewsFile {
    #[serde(default)]
    views: Vec<RawView>,
}

/// Checks names (not empty, not used twice) and queries (the query language's parser,
/// its complaint placed at the query's line and column in `text`).
pub(super) fn validate(
    raw: Vec<RawView>,
    path: &Path,
    text: &str,
) -> Result<Vec<View>, ConfigError> {
    let mut views: Vec<View> = Vec::new();
    for v in raw {
        let at = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let name = v.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(at(
                v.name.span().start,
                "views.name: must not be empty".into(),
            ));
        }
        if views.iter().any(|x| x.name == name) {
            return Err(at(
                v.name.span().start,
                format!("views.name: '{name}' is used twice; names must be unique"),
            ));
        }
        let query = v.query.get_ref();
        if let Err(e) = parse_query(query) {
            // The span starts at the opening quote; the query's own text follows it (an
            // escape before the bad part would shift the column by its length).
            let offset = v.query.span().start + 1 + e.span.start.min(query.len());
            return Err(at(offset, format!("view '{name}': query: {e}")));
        }
        views.push(View {
            name,
            query: query.clone(),
        });
    }
    Ok(views)
}

/// Where the views file of a config file is (or of the default config folder).
pub fn views_file(config: Option<&Path>) -> PathBuf {
    config
        .and_then(Path::parent)
        .map_or_else(super::config_dir, Path::to_path_buf)
        .join(VIEWS_FILE)
}

/// The views saved from the console; none when the file does not exist.
pub fn load_saved(path: &Path) -> Result<Vec<View>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    parse_saved(&text, path)
}

pub fn parse_saved(text: &str, path: &Path) -> Result<Vec<View>, ConfigError> {
    let raw: RawViewsFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    validate(raw.views, path, text)
}

/// Appends a view to the views file (made, with its folder, when missing). A view of the
/// same name is refused: the file keeps what the user wrote.
pub fn append_saved(path: &Path, view: &View) -> Result<(), ConfigError> {
    let existing = load_saved(path)?;
    if existing.iter().any(|v| v.name == view.name) {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            key: "views.name".into(),
            message: format!("a view named '{}' exists already", view.name),
        });
    }
    parse_query(&view.query).map_err(|e| ConfigError::Invalid {
        path: path.to_path_buf(),
        key: format!("view '{}'", view.name),
        message: e.to_string(),
    })?;
    let entry = format!(
        "\n[[views]]\nname = {}\nquery = {}\n",
        toml_string(&view.name),
        toml_string(&view.query)
    );
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        f.write_all(entry.as_bytes())?;
        f.sync_all()
    };
    write().map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A TOML basic string: the serializer's quoting, so any name or query round-trips.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn views_read_back_in_the_order_given_and_bad_ones_name_their_place() {
        let p = Path::new("views.toml");
        let good = "[[views]]\nname = \"VIP\"\nquery = \"tag:vip -status:solved\"\n\n\
                    [[views]]\nname = \"Returns\"\nquery = \"tag:return\"\n";
        let views = parse_saved(good, p).unwrap();
        let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["VIP", "Returns"]);
        assert_eq!(views[0].query, "tag:vip -status:solved");
        // (file, the error's start)
        let cases = [
            (
                "[[views]]\nname = \"VIP\"\nquery = \"tag:vip stauts:x\"\n",
                "views.toml:3:18: view 'VIP': query:",
            ),
            (
                "[[views]]\nname = \"\"\nquery = \"tag:vip\"\n",
                "views.toml:2:8: views.name: must not be empty",
            ),
            (
                "[[views]]\nname = \"A\"\nquery = \"\"\n[[views]]\nname = \"A\"\nquery = \"\"\n",
                "views.toml:5:8: views.name: 'A' is used twice",
            ),
            (
                "[[views]]\nname = \"A\"\n",
                "views.toml:1:1: missing field `query`",
            ),
            (
                "[[views]]\nname = \"A\"\nquery = \"\"\ncolour = 1\n",
                "views.toml:4:1: unknown field `colour`",
            ),
        ];
        for (text, want) in cases {
            let got = parse_saved(text, p).unwrap_err().to_string();
            assert!(got.starts_with(want), "{text:?}: {got}");
        }
    }

    #[test]
    fn views_and_the_mouse_come_from_the_config_too() {
        let p = Path::new("config.toml");
        let text = "[console]\nmouse = false\n\n[[views]]\nname = \"VIP\"\nquery = \"tag:vip\"\n";
        let c = crate::config::Config::parse(text, p).unwrap();
        assert!(!c.console.mouse);
        assert_eq!(c.views[0].name, "VIP");
        let c = crate::config::Config::parse("", p).unwrap();
        assert!(c.console.mouse && c.views.is_empty());
        let bad = "[[views]]\nname = \"Late\"\nquery = \"is:late\"\n";
        let e = crate::config::Config::parse(bad, p)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("config.toml:3:13: view 'Late': query:"),
            "{e}"
        );
    }

    #[test]
    fn a_saved_view_is_appended_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(VIEWS_FILE);
        let vip = View {
            name: "VIP \"gold\"".into(),
            query: "tag:vip -status:solved".into(),
        };
        append_saved(&path, &vip).unwrap();
        let wismo = View {
            name: "Wo ist 包裹".into(),
            query: "tag:wismo".into(),
        };
        append_saved(&path, &wismo).unwrap();
        assert_eq!(load_saved(&path).unwrap(), vec![vip.clone(), wismo]);
        let again = append_saved(&path, &vip).unwrap_err().to_string();
        assert!(again.contains("exists already"), "{again}");
        let bad = View {
            name: "x".into(),
            query: "stauts:x".into(),
        };
        assert!(append_saved(&path, &bad).is_err());
        assert_eq!(load_saved(&path).unwrap().len(), 2);
    }
}
