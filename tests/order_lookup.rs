//! `orders lookup` with a shop's own lookup command: the command gets the key as its
//! argument, its ORDER JSON is stored as orders from `lookup`, a young answer is reused
//! with its age shown, and failures exit 1 (2 without a command configured).

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use support::{ok, run, shopdesk, stderr};

/// A lookup script that counts its runs and answers for order 1001 and its customer.
fn shop(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let script = dir.join("lookup.sh");
    std::fs::write(
        &script,
        format!(
            r##"echo "$1" >> {runs}
case "$1" in
  *@*|1001|"#1001") ;;
  fail) exit 3 ;;
  *) echo '[]'; exit 0 ;;
esac
cat <<'JSON'
[{{"number":"#1001","email":"anna@example.test","status":"shipped","created_at":"2026-11-20",
  "total":"49.90","currency":"EUR","items":[{{"name":"Trail shoes","sku":"TS-1","quantity":1}}],
  "tracking_number":"1Z5R89390357567127","shipped_at":"2026-11-21","source":"lookup"}}]
JSON
"##,
            runs = dir.join("runs").display()
        ),
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!("[shop]\norder_lookup_cmd = \"sh {}\"\n", script.display()),
    )
    .unwrap();
    (config, dir.join("shop.db"))
}

fn runs(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("runs"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn a_lookup_is_stored_and_reused_while_young() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(tmp.path());

    let first = json(&ok(
        shopdesk(&config, &db).args(["orders", "lookup", "--json", "#1001"])
    ));
    assert_eq!(first["cached"], false);
    assert_eq!(first["age_seconds"], 0);
    let order = &first["orders"][0];
    assert_eq!(order["number"], "1001");
    assert_eq!(order["source"], "lookup");
    assert_eq!(order["carrier"], "UPS");
    assert_eq!(
        runs(tmp.path()),
        ["#1001"],
        "the key as the command's argument"
    );

    // Young enough: the stored answer, with its age; the command does not run.
    let again = json(&ok(
        shopdesk(&config, &db).args(["orders", "lookup", "1001", "--json"])
    ));
    assert_eq!(again["cached"], true);
    assert_eq!(again["orders"], first["orders"]);
    assert!(again["looked_up_at"].is_string());
    let o = run(shopdesk(&config, &db).args(["orders", "lookup", "1001"]));
    assert!(o.status.success());
    assert!(stderr(&o).contains("(stored answer)"), "{}", stderr(&o));
    assert_eq!(runs(tmp.path()).len(), 1);
    // --max-age 0s asks again; by address, the customer's orders.
    ok(shopdesk(&config, &db).args(["orders", "lookup", "1001", "--max-age", "0s"]));
    let by_mail = json(&ok(shopdesk(&config, &db).args([
        "orders",
        "lookup",
        "anna@example.test",
        "--json",
    ])));
    assert_eq!(by_mail["cached"], false);
    assert_eq!(by_mail["orders"][0]["number"], "1001");
    assert_eq!(runs(tmp.path()), ["#1001", "1001", "anna@example.test"]);
    // The looked-up order is the customer's too.
    let c = json(&ok(shopdesk(&config, &db).args([
        "customer",
        "anna@example.test",
        "--json",
    ])));
    assert_eq!(c["orders"][0]["tracking_number"], "1Z5R89390357567127");
}

#[test]
fn lookup_failures_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(tmp.path());
    // nothing found, a failing command: exit 1
    for key in ["2002", "fail"] {
        let o = run(shopdesk(&config, &db).args(["orders", "lookup", key]));
        assert_eq!(o.status.code(), Some(1), "{key}: {}", stderr(&o));
    }
    let o = run(shopdesk(&config, &db).args(["orders", "lookup", "fail"]));
    assert!(
        stderr(&o).contains("order_lookup_cmd failed"),
        "{}",
        stderr(&o)
    );
    // a bad duration, no command configured: usage errors
    let o = run(shopdesk(&config, &db).args(["orders", "lookup", "1001", "--max-age", "soon"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let bare = tmp.path().join("bare.toml");
    std::fs::write(&bare, "").unwrap();
    let o = run(shopdesk(&bare, &db).args(["orders", "lookup", "1001"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("order_lookup_cmd"), "{}", stderr(&o));
}
