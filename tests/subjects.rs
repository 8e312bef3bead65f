//! Subjects and display names decoded as the standards say (and the first of a field given
//! twice taken, as everyone takes it; no field or text lost to a broken header block), on
//! one fixture per shape that
//! real-world mail takes (tests/fixtures/subjects, made by its generate.py): once against
//! expectations written here, once against Python's `email` package (`policy.default`),
//! the reference most mail software agrees with.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use shopdesk::domain::Address;
use shopdesk::domain::sanitize::sanitize_line;
use shopdesk::mail::parse::parse_message;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/subjects");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Where we differ from Python on purpose: words split mid-character in a stateful or
/// multi-byte charset are joined before decoding (Python decodes each alone and garbles
/// the rest), and a word in a charset nobody knows stays as written instead of being
/// guessed as UTF-8. And a label is read as the superset senders mean by it, as the
/// WHATWG Encoding Standard and every browser and mail client read it: ISO-8859-1 as
/// windows-1252 (Python shows its dashes and quotes as C1 controls, which are dropped)
/// and GB2312 as GBK (Python shows U+FFFD for every character GB2312 lacks).
const NOT_AS_PYTHON: &[&str] = &[
    "gb2312-label-on-gbk",
    "iso-2022-jp-split",
    "latin-1-label-on-windows-1252",
    "shift-jis-split",
    "unknown-charset-8bit",
];

#[test]
fn every_fixture_subject_decodes_as_expected() {
    let overlong = format!("Ärende: {}slut", "väska och skor, ".repeat(12));
    let expected: &[(&str, &str)] = &[
        ("bare-nul", "Order 1001 shipped, on its way"),
        ("blank-runs-in-name", "About my order"),
        ("blanks-as-written", "Re:  Order   1001  shipped"),
        ("date-zone-then-field", "Where is order 1001?"),
        ("eight-bit-in-q-word", "Beställning försenad"),
        ("gb2312-label-on-gbk", "退货申请 琡"),
        ("folded-words", "Var är min beställning? number 1001"),
        ("iso-2022-jp-split", "日本語のご注文"),
        ("latin-1-label-on-windows-1252", "Order 1001 – “shipped”…"),
        ("lowercase-b", "Où est ma commande ?"),
        (
            "malformed-words",
            "=?utf-8?q?a?b?= =?utf-8?x?abc?= =?utf-8?q?never closed",
        ),
        ("message-id-unclosed", "Contact form: order 1001"),
        ("mixed-charsets", "CaféВозврат and 退货"),
        ("no-blank-line-before-text", "Contact form"),
        ("overlong-word", &overlong),
        ("part-without-blank-line", "Contact form with a photo"),
        ("q-escape-after-encoding", "Ärende 1001"),
        ("q-underscores", "Retur av väska och skor"),
        ("quoted-name", "About my order"),
        ("quoted-word", "Re: \"Café Noir\" order 1001"),
        ("raw-utf-8", "Beställning 1001 – försenad"),
        ("shift-jis-split", "返品したいです"),
        ("unknown-charset-8bit", "Re: =?x-martian?q?Caf=E9?= order"),
        ("unknown-charset-ascii", "Where is my order"),
        ("utf-8-split", "Заказ доставлен"),
        ("word-inside-text", "Order#1001–shipped!"),
        ("word-then-quoted-name", "About my order"),
        ("word-then-text", "Письмо не доставлено. Mail failure."),
        ("two-of-each", "Where is my order 1001?"),
    ];
    let files = fixtures();
    assert_eq!(files.len(), expected.len(), "one expectation per fixture");
    let mut wrong = Vec::new();
    for file in files {
        let name = stem(&file);
        let want = expected
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no expectation for {name}"))
            .1;
        let p = parse_message(&std::fs::read(&file).unwrap());
        if p.subject != want {
            wrong.push(format!("{name}: {:?}, want {want:?}", p.subject));
        }
        let undecodable = matches!(name.as_str(), "unknown-charset-8bit" | "malformed-words");
        let warned = p
            .warnings
            .iter()
            .any(|w| w.contains("Subject has an encoded word"));
        if warned != undecodable {
            wrong.push(format!("{name}: warnings {:?}", p.warnings));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let p = parse_message(&std::fs::read(fixtures_named("quoted-name")).unwrap());
    let from = p.from.unwrap();
    assert_eq!(from.name.as_deref(), Some("Mueller, Jürgen"));
    assert_eq!(from.email, "jurgen@customer.example");
    for (name, want) in [
        ("word-then-quoted-name", "Gabríel A. Pétursson"),
        ("blank-runs-in-name", "Anna Berg of  Berg's"),
    ] {
        let p = parse_message(&std::fs::read(fixtures_named(name)).unwrap());
        assert_eq!(p.from.unwrap().name.as_deref(), Some(want), "{name}");
    }
    // a field that should be there once, twice: the first counts, for every one of them
    let p = parse_message(&std::fs::read(fixtures_named("two-of-each")).unwrap());
    assert_eq!(p.from.unwrap().email, "anna@customer.example");
    assert_eq!(
        p.message_id.as_deref(),
        Some("two-of-each@customer.example")
    );
    assert_eq!(p.in_reply_to, ["reply-1@example.test"]);
    assert_eq!(p.date.unwrap().to_rfc3339(), "2026-11-24T10:00:00+00:00");
    // the fields after a Date in an obsolete zone, and the text of a message whose
    // mailer forgot the blank line, are kept
    let p = parse_message(&std::fs::read(fixtures_named("date-zone-then-field")).unwrap());
    assert_eq!(p.from.unwrap().email, "anna@customer.example");
    assert_eq!(p.date.unwrap().to_rfc3339(), "2026-11-24T10:00:00+00:00");
    let p = parse_message(&std::fs::read(fixtures_named("no-blank-line-before-text")).unwrap());
    assert_eq!(
        p.text.trim_end(),
        "Name, order number: Anna Berg, 1001\nWhere is my order?"
    );
    let p = parse_message(&std::fs::read(fixtures_named("part-without-blank-line")).unwrap());
    assert_eq!(p.text.trim_end(), "Where is my order?");
    assert_eq!(p.attachments.len(), 1);
    let p = parse_message(&std::fs::read(fixtures_named("message-id-unclosed")).unwrap());
    assert_eq!(
        p.message_id.as_deref(),
        Some("message-id-unclosed@customer.example")
    );
}

fn fixtures_named(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/subjects/{name}.eml"))
}

/// Python prints, per fixture, its decoded Subject, sender (display name and address),
/// Message-ID, In-Reply-To and Date (Unix seconds) as JSON.
const PYTHON: &str = r#"
import email, email.policy, json, sys
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        m = email.message_from_bytes(f.read(), policy=email.policy.default)
    sender = m["from"].addresses[0]
    ids = [str(m[h] or "").strip().strip("<>") for h in ("message-id", "in-reply-to")]
    out[path] = [str(m["subject"]), sender.display_name, sender.addr_spec, *ids,
                 int(m["date"].datetime.timestamp())]
print(json.dumps(out))
"#;

#[test]
fn every_fixture_subject_decodes_as_python_does() {
    let files = fixtures();
    let output = Command::new("python3")
        .arg("-c")
        .arg(PYTHON)
        .args(&files)
        .output()
        .expect("python3 runs (scripts/install-test-deps.sh installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let python: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut wrong = Vec::new();
    for file in &files {
        let name = stem(file);
        let theirs = &python[file.to_str().unwrap()];
        let p = parse_message(&std::fs::read(file).unwrap());
        // compared after our sanitiser, which Python does not have: controls go, tabs
        // become spaces
        let subject = sanitize_line(theirs[0].as_str().unwrap());
        let differs = NOT_AS_PYTHON.contains(&name.as_str());
        if (p.subject != subject) != differs {
            wrong.push(format!("{name}: {:?}, Python {subject:?}", p.subject));
        }
        let from_name = sanitize_line(theirs[1].as_str().unwrap());
        let from = p.from.clone().unwrap_or_else(|| Address::new("", None));
        let ours = from.name.clone().unwrap_or_default();
        if ours != from_name {
            wrong.push(format!("{name}: name {ours:?}, Python {from_name:?}"));
        }
        // the other fields Python reads the first of, when a message has two
        let text = |i: usize| theirs[i].as_str().unwrap().to_string();
        let fields = [
            ("address", from.email.clone(), text(2)),
            (
                "Message-ID",
                p.message_id.clone().unwrap_or_default(),
                text(3),
            ),
            ("In-Reply-To", p.in_reply_to.join(" "), text(4)),
            (
                "Date",
                p.date.map_or(0, |d| d.timestamp()).to_string(),
                theirs[5].to_string(),
            ),
        ];
        for (field, ours, python) in fields {
            if ours != python {
                wrong.push(format!("{name}: {field} {ours:?}, Python {python:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_prefix_of_any_fixture_panics() {
    for file in fixtures() {
        let raw = std::fs::read(&file).unwrap();
        for end in 0..raw.len() {
            let _ = parse_message(&raw[..end]);
        }
    }
}
