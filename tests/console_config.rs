//! Shipped keymaps and themes load; broken ones fail with file:line:col.

#![allow(clippy::unwrap_used)]

use ratatui::style::Color;
use shopdesk::app::Context;
use shopdesk::ui::keymap::{Keymap, Lookup, parse_key};
use shopdesk::ui::styles::StyleName;
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
    assert_eq!(km.lookup(Context::List, &[g]), Lookup::Prefix);
    assert!(matches!(km.lookup(Context::List, &[g, g]), Lookup::Action(a) if a.name() == "top"));
    assert!(
        matches!(km.lookup(Context::List, &[parse_key("<C-d>").unwrap()]), Lookup::Action(a) if a.name() == "page_down")
    );
    assert!(
        matches!(km.lookup(Context::Thread, &[parse_key("q").unwrap()]), Lookup::Action(a) if a.name() == "quit"),
        "global keys reach every context"
    );
    assert!(!km.describe(Context::List).is_empty());
}

#[test]
fn user_keymap_merges_over_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("keymap.toml");
    std::fs::write(&user, "[list]\n\"x\" = \"reply\"\n\"r\" = \"none\"\n").unwrap();
    let km = Keymap::load(Some(&user)).unwrap();
    assert!(
        matches!(km.lookup(Context::List, &[parse_key("x").unwrap()]), Lookup::Action(a) if a.name() == "reply")
    );
    assert_eq!(
        km.lookup(Context::List, &[parse_key("r").unwrap()]),
        Lookup::None
    );
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
            let sel = t.style(StyleName::ListSelected);
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
}

#[test]
fn a_style_a_theme_leaves_out_is_its_groups_then_base() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sparse.toml"),
        "[styles]\n\"base\" = { fg = \"red\" }\n\"status\" = { fg = \"green\" }\n\
         \"border\" = { fg = \"blue\" }\n\"status.new\" = { bold = true }\n",
    )
    .unwrap();
    let t = Theme::load("sparse", Some(dir.path()), ColorMode::TrueColor).unwrap();
    let fg = |s: StyleName| t.style(s).fg;
    assert_eq!(fg(StyleName::StatusPending), Some(Color::Green));
    assert_eq!(fg(StyleName::BorderFocused), Some(Color::Blue));
    assert_eq!(fg(StyleName::Quote), Some(Color::Red));
    assert_eq!(
        fg(StyleName::StatusNew),
        None,
        "a style set is not mixed with its group"
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
        (
            "unknownkey",
            "unknownkey.toml:4:3: unknown style \"list.selceted\"; styles are base, border,",
        ),
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

/// The hint bar lists what a key does where the agent is: a screen's own binding hides the
/// global one on the same key, and a description is said once.
#[test]
fn hints_show_the_screens_own_keys_once() {
    let km = Keymap::from_str(
        "k.toml",
        "[global]\n\"q\" = { action = \"quit\", desc = \"Quit\" }\n\
         \"<Tab>\" = { action = \"next_pane\", desc = \"Next pane\" }\n\
         \"<C-r>\" = { action = \"refresh\", desc = \"Reload\" }\n\
         [report]\n\"<Tab>\" = { action = \"next_dimension\", desc = \"Group by\" }\n\
         \"r\" = { action = \"refresh\", desc = \"Reload\" }\n",
    )
    .unwrap();
    let hints: Vec<String> = km
        .hints(Context::Report)
        .into_iter()
        .map(|(k, d)| format!("{k} {d}"))
        .collect();
    assert_eq!(hints, ["<Tab> Group by", "r Reload", "q Quit"]);
    let list: Vec<String> = km
        .hints(Context::List)
        .into_iter()
        .map(|(k, d)| format!("{k} {d}"))
        .collect();
    assert_eq!(list, ["<C-r> Reload", "<Tab> Next pane", "q Quit"]);
}
