//! Themes: a palette and named semantic styles (`list.selected`, `sla.breaching`,
//! `status.pending`, ...), with `inherits`. Dark, light and high-contrast are embedded;
//! `~/.config/shopdesk/themes/NAME.toml` adds or replaces. Colours degrade to 256 or 16
//! colours when the terminal lacks truecolor, and NO_COLOR keeps only bold and reverse.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use super::styles::StyleName;
use crate::config::line_col;

pub const SHIPPED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    TrueColor,
    Ansi256,
    Ansi16,
    /// NO_COLOR: bold, reverse and friends only.
    None,
}

impl ColorMode {
    /// From `--color` (auto | always | never | truecolor | 256 | 16) and the environment.
    pub fn detect(flag: &str) -> Result<ColorMode, String> {
        match flag {
            "never" | "none" => return Ok(ColorMode::None),
            "truecolor" | "24bit" | "always" => return Ok(ColorMode::TrueColor),
            "256" => return Ok(ColorMode::Ansi256),
            "16" => return Ok(ColorMode::Ansi16),
            "auto" => {}
            other => {
                return Err(format!(
                    "--color {other}: use auto, always, never, truecolor, 256 or 16"
                ));
            }
        }
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Ok(ColorMode::None);
        }
        let colorterm = std::env::var("COLORTERM")
            .unwrap_or_default()
            .to_lowercase();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            return Ok(ColorMode::TrueColor);
        }
        let term = std::env::var("TERM").unwrap_or_default();
        Ok(if term.contains("256") {
            ColorMode::Ansi256
        } else {
            ColorMode::Ansi16
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ThemeError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    inherits: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    styles: BTreeMap<toml::Spanned<String>, toml::Spanned<RawStyle>>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    /// Resolved at load, fallbacks applied: one per `StyleName`, in `StyleName::ALL` order.
    styles: Vec<Style>,
}

fn named(c: &str) -> Option<Color> {
    Some(match c.to_ascii_lowercase().as_str() {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        "reset" | "default" => Color::Reset,
        _ => return None,
    })
}

fn parse_color(s: &str) -> Option<Color> {
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return None;
    }
    if let Ok(i) = s.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    named(s)
}

/// The closest colour the terminal can show.
pub fn degrade(c: Color, mode: ColorMode) -> Option<Color> {
    match (mode, c) {
        (ColorMode::None, _) => None,
        (ColorMode::TrueColor, c) => Some(c),
        (ColorMode::Ansi256, Color::Rgb(r, g, b)) => Some(Color::Indexed(rgb_to_256(r, g, b))),
        (ColorMode::Ansi16, Color::Rgb(r, g, b)) => Some(rgb_to_16(r, g, b)),
        (ColorMode::Ansi16, Color::Indexed(i)) if i >= 16 => Some(Color::Gray),
        (_, c) => Some(c),
    }
}

fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    let q = |v: u8| -> u8 {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v - 35) / 40
        }
    };
    if r == g && g == b {
        if r < 8 {
            return 16;
        }
        if r > 248 {
            return 231;
        }
        return 232 + ((r - 8) / 10).min(23);
    }
    16 + 36 * q(r) + 6 * q(g) + q(b)
}

fn rgb_to_16(r: u8, g: u8, b: u8) -> Color {
    let bright = u16::from(r) + u16::from(g) + u16::from(b) > 382;
    let (r, g, b) = (r > 100, g > 100, b > 100);
    match (r, g, b, bright) {
        (false, false, false, false) => Color::Black,
        (false, false, false, true) => Color::DarkGray,
        (true, false, false, false) => Color::Red,
        (true, false, false, true) => Color::LightRed,
        (false, true, false, false) => Color::Green,
        (false, true, false, true) => Color::LightGreen,
        (true, true, false, false) => Color::Yellow,
        (true, true, false, true) => Color::LightYellow,
        (false, false, true, false) => Color::Blue,
        (false, false, true, true) => Color::LightBlue,
        (true, false, true, false) => Color::Magenta,
        (true, false, true, true) => Color::LightMagenta,
        (false, true, true, false) => Color::Cyan,
        (false, true, true, true) => Color::LightCyan,
        (true, true, true, false) => Color::Gray,
        (true, true, true, true) => Color::White,
    }
}

impl Theme {
    /// Loads theme `name` from the user's theme folder or the shipped ones.
    pub fn load(name: &str, user_dir: Option<&Path>, mode: ColorMode) -> Result<Theme, ThemeError> {
        let mut chain: Vec<(String, String)> = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(n) = next.take() {
            if chain.iter().any(|(f, _)| f.ends_with(&format!("{n}.toml"))) || chain.len() > 8 {
                return Err(ThemeError {
                    file: n.clone(),
                    line: 1,
                    column: 1,
                    message: format!("theme '{n}' inherits itself"),
                });
            }
            let (file, text) = source(&n, user_dir).ok_or_else(|| ThemeError {
                file: format!("{n}.toml"),
                line: 1,
                column: 1,
                message: format!("no theme '{n}'; shipped: dark, light, high-contrast"),
            })?;
            let raw: RawTheme = toml::from_str(&text).map_err(|e| {
                let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
                ThemeError {
                    file: file.clone(),
                    line,
                    column,
                    message: e.message().trim().to_string(),
                }
            })?;
            if let Some(k) = raw.styles.keys().find(|k| !StyleName::is_key(k.get_ref())) {
                let (line, column) = line_col(&text, k.span().start);
                let names: Vec<&str> = StyleName::ALL.iter().map(|s| s.name()).collect();
                return Err(ThemeError {
                    file,
                    line,
                    column,
                    message: format!(
                        "unknown style \"{}\"; styles are {}",
                        k.get_ref(),
                        names.join(", ")
                    ),
                });
            }
            next = raw.inherits.clone();
            chain.push((file, text));
        }
        // Base first, so each theme overrides what it inherits.
        let mut palette: BTreeMap<String, Color> = BTreeMap::new();
        let mut styles: BTreeMap<String, Style> = BTreeMap::new();
        for (file, text) in chain.iter().rev() {
            let raw: RawTheme = toml::from_str(text).map_err(|e| ThemeError {
                file: file.clone(),
                line: 1,
                column: 1,
                message: e.to_string(),
            })?;
            for (k, v) in &raw.palette {
                let c = parse_color(v.get_ref()).ok_or_else(|| {
                    let (line, column) = line_col(text, v.span().start);
                    ThemeError {
                        file: file.clone(),
                        line,
                        column,
                        message: format!(
                            "'{}' is not a colour: use #rrggbb, 0-255 or a name like red",
                            v.get_ref()
                        ),
                    }
                })?;
                palette.insert(k.clone(), c);
            }
            for (k, v) in &raw.styles {
                let k = k.get_ref();
                let s = v.get_ref();
                let color = |name: &Option<String>| -> Result<Option<Color>, ThemeError> {
                    match name {
                        None => Ok(None),
                        Some(n) => palette.get(n).copied().or_else(|| parse_color(n)).map(Some).ok_or_else(|| {
                            let (line, column) = line_col(text, v.span().start);
                            ThemeError { file: file.clone(), line, column, message: format!("style \"{k}\": unknown colour '{n}' (not in [palette], not #rrggbb, 0-255 or a colour name)") }
                        }),
                    }
                };
                let mut style = Style::default();
                if let Some(c) = color(&s.fg)?.and_then(|c| degrade(c, mode)) {
                    style = style.fg(c);
                }
                if let Some(c) = color(&s.bg)?.and_then(|c| degrade(c, mode)) {
                    style = style.bg(c);
                }
                let mut m = Modifier::empty();
                for (on, flag) in [
                    (s.bold, Modifier::BOLD),
                    (s.italic, Modifier::ITALIC),
                    (s.underline, Modifier::UNDERLINED),
                    (s.reversed, Modifier::REVERSED),
                    (s.dim, Modifier::DIM),
                ] {
                    if on {
                        m |= flag;
                    }
                }
                // Without colours a highlighted background would vanish: reverse it instead.
                if mode == ColorMode::None && s.bg.is_some() {
                    m |= Modifier::REVERSED;
                }
                styles.insert(k.clone(), style.add_modifier(m));
            }
        }
        // `a.b` falls back to `a`, then base.
        let resolved = StyleName::ALL
            .iter()
            .map(|n| {
                n.fallbacks()
                    .find_map(|key| styles.get(key).copied())
                    .unwrap_or_default()
            })
            .collect();
        Ok(Theme {
            name: name.to_string(),
            styles: resolved,
        })
    }

    pub fn style(&self, name: StyleName) -> Style {
        self.styles.get(name as usize).copied().unwrap_or_default()
    }
}

fn source(name: &str, user_dir: Option<&Path>) -> Option<(String, String)> {
    if let Some(dir) = user_dir {
        let p = dir.join(format!("{name}.toml"));
        if let Ok(text) = std::fs::read_to_string(&p) {
            return Some((p.display().to_string(), text));
        }
    }
    SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, t)| (format!("themes/{n}.toml"), t.to_string()))
}
