//! Shipped keymaps and themes load; broken ones fail with file:line:col.

#![allow(clippy::unwrap_used)]

use shopdesk::ui::keymap::{Keymap, Lookup, parse_key};
use shopdesk::ui::theme::{ColorMode, Theme};

fn fixture(path: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(path),
    )
    .unwrap()
}

#[test]
fn shipped_keymap_loads_and_resolves_sequences() {
    let km = Keymap::load(None).unwrap();
    let g = parse_key("g").unwrap();
    assert_eq!(km.lookup("list", &[g]), Lookup::Prefix);
    assert!(matches!(km.lookup("list", &[g, g]), Lookup::Action(a) if a.name() == "top"));
    assert!(
        matches!(km.lookup("list", &[parse_key("<C-d>").unwrap()]), Lookup::Action(a) if a.name() == "page_down")
    );
    assert!(
        matches!(km.lookup("thread", &[parse_key("q").unwrap()]), Lookup::Action(a) if a.name() == "quit"),
        "global keys reach every context"
    );
    assert!(!km.describe("list").is_empty());
}

#[test]
fn user_keymap_merges_over_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("keymap.toml");
    std::fs::write(&user, "[list]\n\"x\" = \"reply\"\n\"r\" = \"none\"\n").unwrap();
    let km = Keymap::load(Some(&user)).unwrap();
    assert!(
        matches!(km.lookup("list", &[parse_key("x").unwrap()]), Lookup::Action(a) if a.name() == "reply")
    );
    assert_eq!(km.lookup("list", &[parse_key("r").unwrap()]), Lookup::None);
}

#[test]
fn broken_keymaps_name_file_line_and_column() {
    let cases = [
        (
            "unknown_action.toml",
            "unknown_action.toml:3:7: unknown action \"jump\"",
        ),
        (
            "bad_key.toml",
            "bad_key.toml:2:1: cannot read key \"<C-nope>\"",
        ),
        (
            "prefix.toml",
            "prefix.toml:3:1: key \"g\" is a prefix of \"g g\"",
        ),
        (
            "duplicate.toml",
            "duplicate.toml:3:1: key \"<C-d>\" is bound twice",
        ),
        ("context.toml", "context.toml:1:2: unknown context [lists]"),
        ("syntax.toml", "syntax.toml:2:"),
    ];
    for (file, want) in cases {
        let text = fixture(&format!("keymaps/{file}"));
        let err = Keymap::from_str(file, &text).unwrap_err().to_string();
        assert!(err.starts_with(want), "{file}: {err}");
    }
}

#[test]
fn shipped_themes_load_in_every_colour_mode() {
    for name in ["dark", "light", "high-contrast"] {
        for mode in [
            ColorMode::TrueColor,
            ColorMode::Ansi256,
            ColorMode::Ansi16,
            ColorMode::None,
        ] {
            let t = Theme::load(name, None, mode).unwrap();
            let sel = t.style("list.selected");
            if mode == ColorMode::None {
                assert!(
                    sel.fg.is_none() && sel.bg.is_none(),
                    "{name}: no colour under NO_COLOR"
                );
                assert!(
                    sel.add_modifier
                        .contains(ratatui::style::Modifier::REVERSED),
                    "{name}: selection stays visible"
                );
            } else {
                assert!(sel.bg.is_some(), "{name} {mode:?}");
            }
        }
    }
    assert_eq!(
        Theme::load("dark", None, ColorMode::TrueColor)
            .unwrap()
            .style("status.pending.extra"),
        Theme::load("dark", None, ColorMode::TrueColor)
            .unwrap()
            .style("status.pending")
    );
}

#[test]
fn broken_themes_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for (name, want) in [
        ("badcolor", "badcolor.toml:3:6: 'bleu' is not a colour"),
        (
            "unknownstyle",
            "unknownstyle.toml:2:19: style \"list.selected\": unknown colour 'nope'",
        ),
        ("loop", "inherits itself"),
        ("syntax", "syntax.toml:2:"),
    ] {
        std::fs::write(
            dir.path().join(format!("{name}.toml")),
            fixture(&format!("themes/{name}.toml")),
        )
        .unwrap();
        let err = Theme::load(name, Some(dir.path()), ColorMode::TrueColor)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{name}: {err}");
    }
    let err = Theme::load("missing", Some(dir.path()), ColorMode::TrueColor)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no theme 'missing'"), "{err}");
}
