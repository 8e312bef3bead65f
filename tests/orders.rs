//! `orders import` and `orders show` as scripts call them: real-format exports, options in
//! every position, the JSON contract and exit codes.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use support::{ok, run, shopdesk, stderr, stdout};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/orders")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn shop() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let db = dir.path().join("shop.db");
    (dir, config, db)
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The object's keys, sorted.
fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn import_reports_in_json_with_options_anywhere() {
    let file = fixture("woocommerce.csv");
    let lines = [
        vec!["orders", "import", "--json", &file],
        vec!["orders", "import", &file, "--json"],
        vec![
            "orders",
            "import",
            "--format",
            "woocommerce",
            &file,
            "--json",
        ],
        vec!["orders", "import", "--json", &file, "--format=woocommerce"],
    ];
    for (i, args) in lines.iter().enumerate() {
        let (_dir, config, db) = shop();
        let o = run(shopdesk(&config, &db).args(args));
        assert_eq!(o.status.code(), Some(1), "rejected rows exit 1: {args:?}");
        let report = json(&stdout(&o));
        assert_eq!(
            keys(&report),
            ["new", "rejected", "unchanged", "updated"],
            "{args:?}"
        );
        assert_eq!(report["new"], 3, "{i}: {report}");
        assert_eq!(report["rejected"][0]["line"], 4);
        assert!(
            report["rejected"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("e-mail")
        );
    }
}

#[test]
fn importing_again_is_a_no_op_and_a_newer_export_updates() {
    let (_dir, config, db) = shop();
    let first = json(&stdout(&run(shopdesk(&config, &db).args([
        "orders",
        "import",
        &fixture("shopify.csv"),
        "--json",
    ]))));
    assert_eq!(first["new"], 3);
    let again = json(&stdout(&run(shopdesk(&config, &db).args([
        "orders",
        "import",
        &fixture("shopify.csv"),
        "--json",
    ]))));
    assert_eq!(
        (
            again["new"].clone(),
            again["updated"].clone(),
            again["unchanged"].clone()
        ),
        (0.into(), 0.into(), 3.into())
    );
    let later = json(&stdout(&run(shopdesk(&config, &db).args([
        "orders",
        "import",
        "--json",
        &fixture("shopify-later.csv"),
    ]))));
    assert_eq!(later["updated"], 1);
    let order = json(&ok(
        shopdesk(&config, &db).args(["orders", "show", "#1003", "--json"])
    ));
    assert_eq!(order["status"], "shipped");
    assert_eq!(order["total"], "1234.50");
    assert_eq!(order["source"], "shopify");
    let mut contract = [
        "number",
        "status",
        "financial_status",
        "created_at",
        "total",
        "currency",
        "items",
        "carrier",
        "tracking_number",
        "tracking_url",
        "shipped_at",
        "delivered_at",
        "source",
    ];
    contract.sort();
    assert_eq!(keys(&order), contract);
    assert_eq!(order["items"][1]["quantity"], 2);
}

#[test]
fn dry_run_changes_nothing_and_rejects_name_file_and_line() {
    let (_dir, config, db) = shop();
    let file = fixture("generic.csv");
    let o = run(shopdesk(&config, &db).args(["orders", "import", "--dry-run", &file]));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{file}:4: status: unknown order status \"lost\"")),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:8: no order number")), "{err}");
    assert!(err.contains("3 new"), "{err}");
    let o = run(shopdesk(&config, &db).args(["orders", "show", "2001"]));
    assert_eq!(o.status.code(), Some(2), "a dry run stored nothing");
}

#[test]
fn files_that_cannot_be_read_fail_with_one_line() {
    let (_dir, config, db) = shop();
    let cases = [
        (fixture("latin1.csv"), "line 2 is not UTF-8", 1),
        (fixture("missing.csv"), "missing.csv", 1),
    ];
    for (file, expected, code) in cases {
        let o = run(shopdesk(&config, &db).args(["orders", "import", &file]));
        assert_eq!(o.status.code(), Some(code), "{file}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{err}");
    }
    let o = run(shopdesk(&config, &db).args(["orders", "import", "--format", "magento", "x.csv"]));
    assert_eq!(o.status.code(), Some(2));
    let o = run(shopdesk(&config, &db).args(["orders", "show", "--json", "424242"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no order 424242"));
}

/// A shop whose `order_lookup_cmd` is one of the scripts in contrib/, reading a saved API
/// answer instead of asking the platform.
fn lookup_shop(script: &str, env: &str, response: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, config, db) = shop();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cmd = format!(
        "{env}='{}' '{}'",
        root.join("tests/fixtures/orders/lookup")
            .join(response)
            .display(),
        root.join("contrib/order-lookup").join(script).display()
    );
    std::fs::write(
        &config,
        format!("[shop]\norder_lookup_cmd = {}\n", toml_string(&cmd)),
    )
    .unwrap();
    (dir, config, db)
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn lookup_asks_the_platform_script_then_the_cache() {
    let (_dir, config, db) = lookup_shop(
        "shopify.sh",
        "SHOPIFY_RESPONSE_FILE",
        "shopify-response.json",
    );
    for (i, args) in [
        vec!["orders", "lookup", "#1001", "--json"],
        vec!["orders", "lookup", "--json", "1001"],
        vec!["orders", "lookup", "--refresh", "1001", "--json"],
    ]
    .iter()
    .enumerate()
    {
        let out = json(&ok(shopdesk(&config, &db).args(args)));
        assert_eq!(
            keys(&out),
            ["age_seconds", "cached", "looked_up_at", "orders", "query"]
        );
        assert_eq!(out["cached"], i == 1, "{args:?}: {out}");
        let order = &out["orders"][0];
        assert_eq!(order["number"], "1001");
        assert_eq!(order["status"], "shipped");
        assert_eq!(order["tracking_number"], "1Z5R89390357567127");
        assert_eq!(order["source"], "lookup");
        assert_eq!(order["items"][1]["quantity"], 2);
    }
    // what a lookup found is an order like any other
    let order = json(&ok(
        shopdesk(&config, &db).args(["orders", "show", "1001", "--json"])
    ));
    assert_eq!(order["total"], "9500.00");
}

#[test]
fn lookup_reads_woocommerce_answers_by_id() {
    let (_dir, config, db) = lookup_shop(
        "woocommerce.sh",
        "WC_RESPONSE_FILE",
        "woocommerce-response.json",
    );
    let out = json(&ok(
        shopdesk(&config, &db).args(["orders", "lookup", "4711", "--json"])
    ));
    let order = &out["orders"][0];
    assert_eq!(order["number"], "SD-2024-0001");
    assert_eq!(order["status"], "shipped", "WooCommerce's completed");
    assert_eq!(order["carrier"], "PTT");
    assert_eq!(order["tracking_number"], "CP123456785TR");
    assert_eq!(order["shipped_at"], "2024-04-02T09:00:00Z");
    let human = run(shopdesk(&config, &db).args(["orders", "lookup", "4711"]));
    assert!(
        stderr(&human).contains("looked up") && stderr(&human).contains("(cached)"),
        "{}",
        stderr(&human)
    );
}

#[test]
fn lookup_without_a_command_or_with_a_failing_one() {
    let (_dir, config, db) = shop();
    let o = run(shopdesk(&config, &db).args(["orders", "lookup", "1001"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no order_lookup_cmd"), "{}", stderr(&o));
    std::fs::write(
        &config,
        "[shop]\norder_lookup_cmd = \"echo 'HTTP 401 Unauthorized' >&2; exit 22; :\"\n",
    )
    .unwrap();
    let o = run(shopdesk(&config, &db).args(["orders", "lookup", "1001", "--json"]));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("exit 22: HTTP 401 Unauthorized"), "{err}");
    assert!(stdout(&o).is_empty());
}
