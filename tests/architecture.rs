//! The layers, as the code has them: read `src/` and fail on a crossing.
//! - SQL is written only in `src/store`;
//! - `src/domain` is pure: no database, network, terminal, runtime, files or processes, and
//!   none of the layers above it;
//! - `src/mail` (protocols and decoding) does not reach into the store;
//! - `src/app` (console state) and the views in `src/ui` depend on neither store nor mail;
//! - `src/store` calls no layer above it (mail, worker, console, cli, ui, app) outside its
//!   tests;
//! - the console's runtime (`src/console`: terminal, threads, effects) is the only console
//!   code that does I/O: `ui` draws and `app` decides, and neither reaches into it.
//!
//! `KNOWN` lists the crossings still to be mended, each with where it goes. The list must
//! stay true both ways: a new crossing fails, and so does a listed one that is gone (take
//! it off the list).

use std::path::{Path, PathBuf};

/// (file, rule) crossings that exist today and why; shrink this list, never grow it.
const KNOWN: &[(&str, &str)] = &[];

const SQL_STARTS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "PRAGMA ", "WITH ", "REPLACE ",
];
const IMPURE: &[&str] = &[
    "rusqlite",
    "tokio",
    "imap::",
    "lettre",
    "ratatui",
    "crossterm",
    "std::fs",
    "std::net",
    "std::process",
    "crate::store",
    "crate::mail",
    "crate::ui",
    "crate::app",
    "crate::worker",
    "crate::cli",
    "crate::mailout",
    "crate::templates",
    "crate::config",
];

/// What only the console's runtime does: threads, processes, reading the terminal, effects.
const UI_RUNTIME: &[&str] = &[
    "crate::console",
    "crate::worker",
    "crate::mailout",
    "std::thread",
    "std::process",
    "event::read",
    "event::poll",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Code lines: comments dropped (`//`, `//!`, `///`), so prose may name anything.
fn code(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| !l.starts_with("//"))
        .collect()
}

/// The rules a file breaks.
fn crossings(rel: &str, text: &str) -> Vec<&'static str> {
    let lines = code(text);
    let mut found = Vec::new();
    let any = |pats: &[&str]| lines.iter().any(|l| pats.iter().any(|p| l.contains(p)));
    let sql = lines.iter().any(|l| {
        SQL_STARTS
            .iter()
            .any(|kw| l.contains(&format!("\"{kw}")) || l.contains(&format!("r#\"{kw}")))
    });
    // A module is its file `src/x.rs` and everything under `src/x/`.
    let within =
        |layer: &str| rel == format!("{layer}.rs") || rel.starts_with(&format!("{layer}/"));
    if sql && !within("src/store") {
        found.push("sql");
    }
    if within("src/domain") && any(IMPURE) {
        found.push("domain-pure");
    }
    if within("src/mail") && any(&["crate::store"]) {
        found.push("mail-store");
    }
    if within("src/app") && any(&["crate::store", "crate::mail"]) {
        found.push("app-store");
    }
    if within("src/ui") && any(&["crate::store", "crate::mail"]) {
        found.push("ui-store");
    }
    if within("src/ui") && any(UI_RUNTIME) {
        found.push("ui-runtime");
    }
    if within("src/app") && any(&["crate::console", "crate::ui"]) {
        found.push("app-console");
    }
    // The store speaks domain types to whoever calls it and calls no one: parsing mail
    // happens before it (`worker::import`, the sync engine), never inside. Its tests may
    // build their mail with the parser.
    let shipped = shipped_code(rel, &lines);
    if within("src/store")
        && shipped.iter().any(|l| {
            [
                "crate::mail",
                "crate::worker",
                "crate::console",
                "crate::cli",
                "crate::ui",
                "crate::app",
            ]
            .iter()
            .any(|p| l.contains(p))
        })
    {
        found.push("store-edge");
    }
    found
}

/// The lines that ship: none of a `tests.rs`, and the rest of a file up to its
/// `#[cfg(test)]` module.
fn shipped_code<'a>(rel: &str, lines: &[&'a str]) -> Vec<&'a str> {
    if rel.ends_with("/tests.rs") {
        return Vec::new();
    }
    lines
        .iter()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .copied()
        .collect()
}

#[test]
fn the_layers_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "read {} files", files.len());
    let mut found: Vec<(String, &str)> = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).expect("read source");
        for rule in crossings(&rel, &text) {
            found.push((rel.clone(), rule));
        }
    }
    let new: Vec<_> = found
        .iter()
        .filter(|(f, r)| !KNOWN.iter().any(|(kf, kr)| kf == f && kr == r))
        .collect();
    assert!(new.is_empty(), "layers crossed: {new:?}");
    let gone: Vec<_> = KNOWN
        .iter()
        .filter(|(kf, kr)| !found.iter().any(|(f, r)| f == kf && r == kr))
        .collect();
    assert!(gone.is_empty(), "mended, take off KNOWN: {gone:?}");
}

#[test]
fn the_checks_see_each_kind_of_crossing() {
    let cases = [
        (
            "src/cli/x.rs",
            "let n = conn.query_row(\"SELECT count(*) FROM t\", [], f);",
            "sql",
        ),
        (
            "src/ui/x.rs",
            "conn.execute(\"DELETE FROM drafts WHERE id = ?1\", [id])?;",
            "sql",
        ),
        (
            "src/domain/x.rs",
            "use rusqlite::Connection;",
            "domain-pure",
        ),
        (
            "src/domain/x.rs",
            "let s = std::fs::read(p);",
            "domain-pure",
        ),
        ("src/domain/x.rs", "use crate::store::Store;", "domain-pure"),
        ("src/mail/x.rs", "use crate::store::ingest;", "mail-store"),
        (
            "src/app/x.rs",
            "use crate::store::read::TicketSummary;",
            "app-store",
        ),
        ("src/app/x.rs", "use crate::mail::parse;", "app-store"),
        (
            "src/ui/view.rs",
            "c: &crate::store::views::CustomerInfo,",
            "ui-store",
        ),
        (
            "src/ui/view.rs",
            "use crate::console::Runner;",
            "ui-runtime",
        ),
        (
            "src/ui/x.rs",
            "if crossterm::event::poll(wait)? {",
            "ui-runtime",
        ),
        ("src/ui/x.rs", "std::thread::spawn(f);", "ui-runtime"),
        (
            "src/app/x.rs",
            "use crate::ui::theme::Theme;",
            "app-console",
        ),
        ("src/app/x.rs", "use crate::console::Inbox;", "app-console"),
        (
            "src/store/ingest.rs",
            "let parsed = crate::mail::parse::parse_message(raw);",
            "store-edge",
        ),
        ("src/store.rs", "use crate::worker::import;", "store-edge"),
    ];
    for (file, line, rule) in cases {
        assert_eq!(crossings(file, line), [rule], "{file}: {line}");
    }
    // Prose and the store itself are free to say anything.
    assert!(crossings("src/domain/x.rs", "//! Nothing here imports rusqlite").is_empty());
    assert!(crossings("src/store/x.rs", "\"SELECT id FROM t\"").is_empty());
    assert!(crossings("src/store.rs", "\"SELECT id FROM t\"").is_empty());
    assert!(
        crossings(
            "src/store/x.rs",
            "#[cfg(test)]\nmod tests {\n use crate::mail::parse;\n}"
        )
        .is_empty(),
        "a store test may parse mail"
    );
    assert!(crossings("src/store/x/tests.rs", "use crate::worker::import;").is_empty());
    assert_eq!(
        crossings("src/domain.rs", "use rusqlite::Connection;"),
        ["domain-pure"]
    );
    assert_eq!(
        crossings("src/ui.rs", "use crate::store::Store;"),
        ["ui-store"]
    );
    assert_eq!(crossings("src/storefront.rs", "\"SELECT 1\""), ["sql"]);
    assert!(crossings("src/cli/x.rs", "let select = \"Select a template\";").is_empty());
}
