//! Keymaps: TOML tables per context binding key sequences to named actions. The shipped
//! default is embedded; a user file of the same shape is merged over it. Unknown actions,
//! keys that cannot be parsed, keys bound twice and prefix conflicts ("g" and "g g" in one
//! context) are errors naming the file, line and column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use crate::app::{Action, Context};
use crate::config::line_col;

pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(e: &KeyEvent) -> Key {
        // Shift is part of the character for printable keys ("G"), not a modifier.
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match e.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.insert(KeyModifiers::SHIFT);
                KeyCode::Tab
            }
            c => c,
        };
        Key { code, mods }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.is_empty() => return write!(f, "{c}"),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::Backspace => "BS".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut prefix = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            prefix.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            prefix.push_str("A-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            prefix.push_str("S-");
        }
        write!(f, "<{prefix}{name}>")
    }
}

/// Parses one key: `j`, `G`, `<C-d>`, `<S-Tab>`, `<Enter>`, `<F5>`.
pub fn parse_key(s: &str) -> Option<Key> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::NONE,
        });
    }
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    let mut mods = KeyModifiers::NONE;
    let mut rest = inner;
    loop {
        let lower = rest.to_ascii_lowercase();
        if lower.starts_with("c-") && rest.len() > 2 {
            mods |= KeyModifiers::CONTROL;
        } else if lower.starts_with("a-") && rest.len() > 2
            || lower.starts_with("m-") && rest.len() > 2
        {
            mods |= KeyModifiers::ALT;
        } else if lower.starts_with("s-") && rest.len() > 2 {
            mods |= KeyModifiers::SHIFT;
        } else {
            break;
        }
        rest = &rest[2..];
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "enter" | "cr" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "space" => KeyCode::Char(' '),
        "bs" | "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "del" | "delete" => KeyCode::Delete,
        "lt" => KeyCode::Char('<'),
        f if f.starts_with('f') && f.len() > 1 => {
            KeyCode::F(f[1..].parse().ok().filter(|n| (1..=24).contains(n))?)
        }
        _ => {
            let mut cs = rest.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else {
                    c
                }),
                _ => return None,
            }
        }
    };
    Some(Key { code, mods })
}

pub fn parse_sequence(s: &str) -> Option<Vec<Key>> {
    let keys: Option<Vec<Key>> = s.split_whitespace().map(parse_key).collect();
    keys.filter(|k| !k.is_empty())
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: Option<String>,
}

/// Bindings per context, in file order.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    pub contexts: BTreeMap<Context, Vec<Binding>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawValue {
    Name(String),
    Full {
        action: String,
        desc: Option<String>,
    },
}

type RawFile =
    BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<RawValue>>>;

/// What is left of the user's file: actions bound, and keys freed with "none".
enum Change {
    Bind(Binding),
    Unbind(Vec<Key>),
}

fn parse_file(file: &str, text: &str) -> Result<Vec<(Context, Change)>, KeymapError> {
    let err = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        KeymapError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        err(at, e.message().trim().to_string())
    })?;
    let mut out = Vec::new();
    for (name, table) in raw {
        let context = Context::from_name(name.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
            err(
                name.span().start,
                format!(
                    "unknown context [{}]; contexts are {}",
                    name.get_ref(),
                    names.join(", ")
                ),
            )
        })?;
        for (key, value) in table {
            let keys = parse_sequence(key.get_ref()).ok_or_else(|| {
                err(
                    key.span().start,
                    format!("cannot read key \"{}\": use a character, <Enter>, <C-d>, <S-Tab>, <F5>, or a sequence like \"g g\"", key.get_ref()),
                )
            })?;
            let (name, desc) = match value.get_ref() {
                RawValue::Name(n) => (n.clone(), None),
                RawValue::Full { action, desc } => (action.clone(), desc.clone()),
            };
            if name == "none" {
                out.push((context, Change::Unbind(keys)));
                continue;
            }
            let action = Action::from_name(&name).ok_or_else(|| {
                err(
                    value.span().start,
                    format!(
                        "unknown action \"{name}\"; actions are {}",
                        Action::NAMES.join(", ")
                    ),
                )
            })?;
            out.push((context, Change::Bind(Binding { keys, action, desc })));
        }
    }
    Ok(out)
}

impl Keymap {
    /// The shipped keymap with the user's file (if any) merged over it.
    pub fn load(user: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut km = Keymap::default();
        km.apply("keymaps/default.toml", DEFAULT)?;
        if let Some(path) = user {
            match std::fs::read_to_string(path) {
                Ok(text) => km.apply(&path.display().to_string(), &text)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(KeymapError {
                        file: path.display().to_string(),
                        line: 1,
                        column: 1,
                        message: e.to_string(),
                    });
                }
            }
        }
        Ok(km)
    }

    pub fn from_str(file: &str, text: &str) -> Result<Keymap, KeymapError> {
        let mut km = Keymap::default();
        km.apply(file, text)?;
        Ok(km)
    }

    fn apply(&mut self, file: &str, text: &str) -> Result<(), KeymapError> {
        let changes = parse_file(file, text)?;
        // A user file rebinds: keys it names replace the earlier binding of the same keys.
        let mut seen: std::collections::HashSet<(Context, Vec<Key>)> =
            std::collections::HashSet::new();
        for (context, change) in changes {
            let list = self.contexts.entry(context).or_default();
            match change {
                Change::Unbind(keys) => list.retain(|b| b.keys != keys),
                Change::Bind(b) => {
                    if !seen.insert((context, b.keys.clone())) {
                        return Err(self.locate(
                            file,
                            text,
                            context,
                            &b.keys,
                            "is bound twice in this file",
                        ));
                    }
                    list.retain(|x| x.keys != b.keys);
                    list.push(b);
                }
            }
        }
        for (context, list) in &self.contexts {
            for a in list {
                for b in list {
                    if a.keys.len() < b.keys.len() && b.keys.starts_with(&a.keys) {
                        let msg = format!(
                            "is a prefix of \"{}\" in [{context}], so the longer one could never be typed",
                            b.keys
                                .iter()
                                .map(Key::to_string)
                                .collect::<Vec<_>>()
                                .join(" ")
                        );
                        return Err(self.locate(file, text, *context, &a.keys, &msg));
                    }
                }
            }
        }
        Ok(())
    }

    /// An error pointing at the binding's line in `text` (best effort: the first line
    /// that names the key inside the context's table).
    fn locate(
        &self,
        file: &str,
        text: &str,
        context: Context,
        keys: &[Key],
        message: &str,
    ) -> KeymapError {
        let shown = keys
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        let mut in_table = false;
        let mut at = (1, 1);
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.starts_with('[') {
                in_table = t.trim_matches(|c| c == '[' || c == ']') == context.name();
                continue;
            }
            if in_table
                && let Some(k) = t.split('=').next().map(|k| k.trim().trim_matches('"'))
                && parse_sequence(k).as_deref() == Some(keys)
            {
                at = (i + 1, line.len() - line.trim_start().len() + 1);
            }
        }
        KeymapError {
            file: file.to_string(),
            line: at.0,
            column: at.1,
            message: format!("key \"{shown}\" {message}"),
        }
    }

    /// The action for `pending` keys in `context` (then global): a full match, a prefix
    /// of some binding (wait for more keys), or nothing.
    pub fn lookup(&self, context: Context, pending: &[Key]) -> Lookup {
        let mut prefix = false;
        for ctx in [context, Context::Global] {
            if let Some(list) = self.contexts.get(&ctx) {
                for b in list {
                    if b.keys == pending {
                        return Lookup::Action(b.action);
                    }
                    if b.keys.starts_with(pending) {
                        prefix = true;
                    }
                }
            }
            if prefix {
                return Lookup::Prefix;
            }
        }
        Lookup::None
    }

    /// (keys, description) for the help overlay and hint bar of a context.
    pub fn describe(&self, context: Context) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for b in self.contexts.get(&context).into_iter().flatten() {
            let keys = b
                .keys
                .iter()
                .map(Key::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let desc = b
                .desc
                .clone()
                .unwrap_or_else(|| b.action.name().replace('_', " "));
            if let Some(existing) = out.iter_mut().find(|(_, d)| *d == desc) {
                existing.0.push('/');
                existing.0.push_str(&keys);
            } else {
                out.push((keys, desc));
            }
        }
        out
    }

    /// Bindings with a description: what the hint bar shows.
    pub fn hints(&self, context: Context) -> Vec<(String, String)> {
        let mut out = Vec::new();
        // A context's own binding shadows the global one on the same keys, and one hint
        // per description is enough (`r Reload` in a screen, not also `<C-r> Reload`).
        let mut keys_seen = std::collections::HashSet::new();
        let mut said = std::collections::HashSet::new();
        for ctx in [context, Context::Global] {
            for b in self.contexts.get(&ctx).into_iter().flatten() {
                if !keys_seen.insert(b.keys.as_slice()) {
                    continue;
                }
                if let Some(d) = b.desc.as_ref().filter(|d| said.insert(d.as_str())) {
                    let keys = b
                        .keys
                        .iter()
                        .map(Key::to_string)
                        .collect::<Vec<_>>()
                        .join(" ");
                    out.push((keys, d.clone()));
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    Prefix,
    None,
}
