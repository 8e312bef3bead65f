//! `sla` and `report` as scripts call them, on a shop whose mail went through the real
//! parse → thread → store path with dates around now: JSON names, CSV columns, options in
//! any order and the exit codes 0, 1, 2 and 3.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use support::sla_shop::{always_open, mail, shop};
use support::{MailStack, list_json, ok, run, shopdesk, stderr, stdout};

/// The ids of the tickets `list QUERY` finds, sorted.
fn listed_ids(config: &Path, db: &Path, query: &[&str]) -> Vec<i64> {
    let mut ids: Vec<i64> = list_json(config, db, query)
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn sla_lists_stages_and_exits_3_on_a_breach_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let (config, db, ids) = shop(dir.path(), now);
    for args in [
        &["sla", "--json"][..],
        &["sla", "--json", "--fail-on-breach"],
        &["sla", "--fail-on-breach", "--json"],
        &["--json", "sla"],
    ] {
        let o = run(shopdesk(&config, &db).args(args));
        let want = if args.contains(&"--fail-on-breach") {
            3
        } else {
            0
        };
        if args[0] == "--json" {
            // an option of `sla` before its name is no option of shopdesk's
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            continue;
        }
        assert_eq!(o.status.code(), Some(want), "{args:?}: {}", stderr(&o));
        let rows: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let got: Vec<(i64, &str, &str, &str)> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, ["due_at", "policy", "stage", "target", "ticket_id"]);
                (
                    r["ticket_id"].as_i64().unwrap(),
                    r["target"].as_str().unwrap(),
                    r["stage"].as_str().unwrap(),
                    r["policy"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (ids["Again"], "first_reply", "breached", "standard"),
                (ids["Boots"], "first_reply", "breached", "vip"),
                (ids["Laces"], "first_reply", "approaching", "standard"),
            ],
            "{args:?}"
        );
        let due = |i: usize| {
            DateTime::parse_from_rfc3339(rows[i]["due_at"].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        let near = |t: DateTime<Utc>, want: DateTime<Utc>| (t - want).num_seconds().abs() <= 1;
        assert!(near(due(0), now - Duration::hours(20)), "{rows}");
        assert!(near(due(1), now - Duration::hours(2)), "{rows}");
        assert!(near(due(2), now + Duration::minutes(30)), "{rows}");
    }
    // Plain text names the ticket, the stage and the target.
    let text = ok(shopdesk(&config, &db).arg("sla"));
    assert!(
        text.contains(&format!("#{}", ids["Boots"])) && text.contains("breached"),
        "{text}"
    );
    // Nothing breached once the late tickets are answered or solved: exit 0 even when asked.
    for t in ["Again", "Boots"] {
        ok(shopdesk(&config, &db).args(["status", &ids[t].to_string(), "solved"]));
    }
    let o = run(shopdesk(&config, &db).args(["sla", "--fail-on-breach", "--json"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A database that cannot be opened is a failure (1), a bad option a usage error (2).
    let o = run(shopdesk(&config, dir.path()).args(["sla"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run(shopdesk(&config, &db).args(["sla", "--breached"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn report_as_json_and_csv_with_groups() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let (config, db, _) = shop(dir.path(), now);
    let json = |args: &[&str]| -> Value {
        let out = ok(shopdesk(&config, &db).args(args));
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    };
    for args in [
        &["report", "--json"][..],
        &["report", "--since", "30d", "--json", "--by", "tag"],
        &["report", "--by", "tag", "--json", "--since", "30d"],
    ] {
        let r = json(args);
        assert_eq!(r["tickets_created"], 4, "{args:?}: {r}");
        assert_eq!(r["tickets_solved"], 1);
        assert_eq!(r["messages_in"], 4);
        assert_eq!(r["messages_out"], 1);
        assert_eq!(r["first_reply"]["median_s"], 1800);
        assert_eq!(r["first_reply"]["business_median_s"], 1800);
        assert_eq!(r["resolution"]["median_s"], 3600);
        assert_eq!(r["one_touch_rate"], 1.0);
        assert_eq!(r["fcr_rate"], 1.0);
        assert_eq!(r["reopen_rate"], 0.0);
        assert_eq!(r["repeat_contact_rate"], 0.5);
        assert_eq!(r["sla"]["first_reply"]["met"], 1);
        assert_eq!(r["sla"]["first_reply"]["breached"], 2);
        assert_eq!(r["sla"]["resolution"]["met"], 1);
        assert_eq!(r["sla"]["next_reply"]["rate"], Value::Null);
        assert_eq!(r["csat"], Value::Null);
        assert_eq!(r["nps"], Value::Null);
        assert_eq!(r["backlog"], 3);
        for key in ["since", "until", "groups"] {
            assert!(r.get(key).is_some(), "{key}: {r}");
        }
        if args.contains(&"tag") {
            let groups: Vec<(&str, u64)> = r["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    (
                        g["key"].as_str().unwrap(),
                        g["tickets_created"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(groups, [("(none)", 3), ("vip", 1)]);
        }
    }
    // By day: one group per day of the window that had anything to count.
    let r = json(&["report", "--since", "3d", "--by", "day", "--json"]);
    let days = r["groups"].as_array().unwrap();
    assert!((3..=4).contains(&days.len()), "{r}");
    let created: u64 = days
        .iter()
        .map(|g| g["tickets_created"].as_u64().unwrap())
        .sum();
    assert_eq!(created, 4);
    // A window before the shop existed counts nothing and divides by nothing.
    let r = json(&[
        "report",
        "--json",
        "--since",
        "2020-01-01",
        "--until",
        "2020-01-31",
    ]);
    assert_eq!(r["tickets_created"], 0);
    assert_eq!(r["one_touch_rate"], Value::Null);
    assert_eq!(r["since"], "2020-01-01T00:00:00Z");
    assert_eq!(r["until"], "2020-02-01T00:00:00Z");
    // CSV: the header, the whole window, then the groups.
    let csv = ok(shopdesk(&config, &db).args(["report", "--csv", "--by", "agent"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("key,since,until,tickets_created,tickets_solved,"),
        "{csv}"
    );
    assert!(lines[0].ends_with(",nps_score,backlog"), "{csv}");
    assert!(lines[1].starts_with("total,"), "{csv}");
    assert_eq!(
        lines.len(),
        3,
        "one agent group (nobody owns a ticket): {csv}"
    );
    let cols = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == cols), "{csv}");
    // Plain text for a person.
    let text = ok(shopdesk(&config, &db).args(["report", "--by", "language"]));
    assert!(
        text.contains("tickets created / solved") && text.contains("4 / 1"),
        "{text}"
    );
    // Usage errors: exit 2.
    for args in [
        &["report", "--by", "year"][..],
        &["report", "--since", "soon"],
        &["report", "--until", "2020-01-01"],
        &["report", "--json", "--csv"],
    ] {
        let o = run(shopdesk(&config, &db).args(args));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

/// `show --json` carries every clock of the ticket as `sla` judges it, and `show` prints
/// them on one line.
#[test]
fn show_carries_the_tickets_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let (config, db, ids) = shop(dir.path(), now);
    let sla = |subject: &str| -> Vec<(String, String, Option<DateTime<Utc>>)> {
        let out = ok(shopdesk(&config, &db).args(["show", &ids[subject].to_string(), "--json"]));
        let v: Value = serde_json::from_str(&out).unwrap();
        v["sla"]
            .as_array()
            .unwrap_or_else(|| panic!("no sla: {v}"))
            .iter()
            .map(|c| {
                let mut keys: Vec<&str> =
                    c.as_object().unwrap().keys().map(String::as_str).collect();
                keys.sort_unstable();
                assert_eq!(keys, ["due_at", "state", "target"]);
                (
                    c["target"].as_str().unwrap().to_string(),
                    c["state"].as_str().unwrap().to_string(),
                    c["due_at"]
                        .as_str()
                        .map(|d| DateTime::parse_from_rfc3339(d).unwrap().with_timezone(&Utc)),
                )
            })
            .collect()
    };
    let near = |t: Option<DateTime<Utc>>, want: DateTime<Utc>| {
        t.is_some_and(|t| (t - want).num_seconds().abs() <= 1)
    };
    let h = Duration::hours;
    // answered within 30 minutes of 4 hours, solved within 48: both met, each with its due time
    let sizes = sla("Sizes");
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert_eq!(
        (sizes[0].0.as_str(), sizes[0].1.as_str()),
        ("first_reply", "met")
    );
    assert!(near(sizes[0].2, now - h(48) + h(4)), "{sizes:?}");
    assert_eq!(
        (sizes[1].0.as_str(), sizes[1].1.as_str()),
        ("resolution", "met")
    );
    // the vip: first reply (1h) breached two hours ago, resolution (8h) still running
    let boots = sla("Boots");
    assert_eq!(boots.len(), 2, "{boots:?}");
    assert_eq!(
        (boots[0].0.as_str(), boots[0].1.as_str()),
        ("first_reply", "breached")
    );
    assert!(near(boots[0].2, now - h(2)), "{boots:?}");
    assert_eq!(
        (boots[1].0.as_str(), boots[1].1.as_str()),
        ("resolution", "running")
    );
    assert!(near(boots[1].2, now + h(5)), "{boots:?}");
    // pending on the customer: both clocks paused, their due times open
    ok(shopdesk(&config, &db).args(["status", &ids["Laces"].to_string(), "pending"]));
    let laces = sla("Laces");
    assert_eq!(
        laces,
        [
            ("first_reply".to_string(), "paused".to_string(), None),
            ("resolution".to_string(), "paused".to_string(), None),
        ]
    );
    // the same in plain text, on one line
    let text = ok(shopdesk(&config, &db).args(["show", &ids["Boots"].to_string()]));
    let line = text
        .lines()
        .find(|l| l.starts_with("sla "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("first_reply breached (due ") && line.contains("resolution running (due "),
        "{line}"
    );
}

/// `list is:repeat` finds both tickets of a repeat contact ("Sizes", solved, and "Again"
/// a day later), whatever else the query says, and follows a reopen at once.
#[test]
fn list_finds_repeat_contacts() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let (config, db, ids) = shop(dir.path(), now);
    let listed = |query: &[&str]| listed_ids(&config, &db, query);
    let mut both = vec![ids["Sizes"], ids["Again"]];
    both.sort_unstable();
    assert_eq!(listed(&["is:repeat"]), both);
    assert_eq!(listed(&["is:repeat", "status:solved"]), [ids["Sizes"]]);
    let mut others = vec![ids["Boots"], ids["Laces"]];
    others.sort_unstable();
    assert_eq!(listed(&["--", "-is:repeat"]), others);
    // "Sizes" reopened: no longer solved before "Again" came, so neither is a repeat
    ok(shopdesk(&config, &db).args(["status", &ids["Sizes"].to_string(), "open"]));
    assert_eq!(listed(&["is:repeat"]), Vec::<i64>::new());
    // a typo is a usage error that names the flag
    let o = run(shopdesk(&config, &db).args(["list", "is:repaet"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is:repeat"), "{}", stderr(&o));
}

/// `list is:breaching` and `is:approaching` go by the policies' clocks (what `sla` lists),
/// and a solve takes a ticket out at once.
#[test]
fn list_finds_breaching_and_approaching_tickets_by_the_policies() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc::now();
    let (config, db, ids) = shop(dir.path(), now);
    let listed = |query: &[&str]| listed_ids(&config, &db, query);
    let mut late = vec![ids["Again"], ids["Boots"]];
    late.sort_unstable();
    assert_eq!(listed(&["is:breaching"]), late);
    assert_eq!(listed(&["is:approaching"]), [ids["Laces"]]);
    assert_eq!(
        listed(&["is:breaching", "is:approaching"]),
        Vec::<i64>::new()
    );
    // solved: no clock runs, whatever the rows said a moment ago
    ok(shopdesk(&config, &db).args(["status", &ids["Boots"].to_string(), "solved"]));
    assert_eq!(listed(&["is:breaching"]), [ids["Again"]]);
    let o = run(shopdesk(&config, &db).args(["list", "is:aproaching"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is:approaching"), "{}", stderr(&o));
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn watch(config: &Path, db: &Path, log: &Path) -> Child {
    let err = std::fs::File::create(log).unwrap();
    Child(
        shopdesk(config, db)
            .args(["sync", "--watch"])
            .stdout(std::process::Stdio::null())
            .stderr(err)
            .spawn()
            .unwrap(),
    )
}

fn wait_until(limit: std::time::Duration, pred: impl Fn() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if pred() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

#[test]
fn watch_runs_alert_cmd_once_per_stage_across_restarts_and_never_for_history() {
    use std::os::unix::fs::PermissionsExt;
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let alerts = tmp.path().join("alerts.jsonl");
    let script = tmp.path().join("alert.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat >> '{}'\n", alerts.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"{}
[sla]
approaching = "80%"
alert_cmd = "'{}'"

{}"#,
            stack.config_text(""),
            script.display(),
            always_open("1h"),
        ),
    )
    .unwrap();
    let db = tmp.path().join("shop.db");
    let shop = support::mailstack::SHOP;
    let now = Utc::now();
    let h = Duration::hours;
    // Mail already in the mailbox at the first sync is history: it is never alerted, late
    // as it is.
    stack.append(
        shop,
        "INBOX",
        &[mail(
            "old@customer.test",
            shop,
            "Old",
            "old@customer.test",
            None,
            now - h(3),
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let log = tmp.path().join("watch.log");
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    let lines = || -> Vec<Value> {
        std::fs::read_to_string(&alerts)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    {
        let _watch = watch(&config, &db, &log);
        assert!(wait_until(std::time::Duration::from_secs(20), || log_text(
        )
        .contains("watching")));
        std::thread::sleep(std::time::Duration::from_millis(500));
        stack.append(
            shop,
            "INBOX",
            &[
                mail(
                    "late@customer.test",
                    shop,
                    "Late",
                    "late@customer.test",
                    None,
                    now - h(2),
                ),
                mail(
                    "near@customer.test",
                    shop,
                    "Near",
                    "near@customer.test",
                    None,
                    now - Duration::minutes(50),
                ),
            ],
        );
        assert!(
            wait_until(std::time::Duration::from_secs(30), || lines().len() >= 2),
            "alerts: {:?}\nlog:\n{}",
            lines(),
            log_text()
        );
        // another beat of the alert check raises nothing new
        std::thread::sleep(std::time::Duration::from_secs(11));
    }
    let listed: Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["list", "--json"]))).unwrap();
    let id = |subject: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["subject"] == subject)
            .and_then(|t| t["id"].as_i64())
            .unwrap()
    };
    let got: Vec<(i64, String, String, String)> = lines()
        .iter()
        .map(|a| {
            (
                a["ticket_id"].as_i64().unwrap(),
                a["target"].as_str().unwrap().to_string(),
                a["stage"].as_str().unwrap().to_string(),
                a["policy"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = vec![
        (
            id("Late"),
            "first_reply".to_string(),
            "breached".to_string(),
            "standard".to_string(),
        ),
        (
            id("Near"),
            "first_reply".into(),
            "approaching".into(),
            "standard".into(),
        ),
    ];
    assert_eq!(got, want, "log:\n{}", log_text());
    // `sla` agrees, and the history ticket is not in it either.
    let rows: Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["sla", "--json"]))).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows}");
    // A restarted watch remembers what it raised.
    {
        let _watch = watch(&config, &db, &log);
        assert!(wait_until(std::time::Duration::from_secs(20), || log_text(
        )
        .contains("watching")));
        std::thread::sleep(std::time::Duration::from_secs(4));
    }
    assert_eq!(
        lines().len(),
        2,
        "raised again after a restart:\n{}",
        log_text()
    );
}

/// A policy by priority holds once an agent sets the ticket's priority: "Sizes", answered
/// in 30 minutes, met the standard 4 hours and breaches the urgent quarter of an hour.
#[test]
fn priority_set_by_an_agent_picks_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let (config, db, ids) = shop(dir.path(), Utc::now());
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "[[sla.policy]]\nname = \"vip\"",
        "[[sla.policy]]\nname = \"urgent\"\npriority = \"urgent\"\nfirst_reply = \"15m\"\n\
         calendar = \"always\"\n\n[[sla.policy]]\nname = \"vip\"",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let sizes = ids["Sizes"].to_string();
    let first_reply = || -> String {
        let v: Value =
            serde_json::from_str(&ok(shopdesk(&config, &db).args(["show", &sizes, "--json"])))
                .unwrap();
        v["sla"][0]["state"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(first_reply(), "met");
    ok(shopdesk(&config, &db).args(["priority", &sizes, "urgent"]));
    assert_eq!(first_reply(), "breached");
    let urgent: Value = serde_json::from_str(&ok(shopdesk(&config, &db).args([
        "list",
        "priority:urgent",
        "--json",
    ])))
    .unwrap();
    assert_eq!(urgent.as_array().map(Vec::len), Some(1), "{urgent}");
    assert_eq!(urgent[0]["id"].to_string(), sizes);
    assert_eq!(urgent[0]["priority"], "urgent");
    ok(shopdesk(&config, &db).args(["priority", &sizes, "Normal"]));
    assert_eq!(first_reply(), "met");
    // usage errors exit 2, an unknown ticket 1, each with one line saying what
    #[rustfmt::skip]
    let cases: &[(&[&str], i32, &str)] = &[
        (&["priority", &sizes, "asap"], 2, "use low, normal, high or urgent"),
        (&["priority", &sizes], 2, "required"),
        (&["priority", "x", "high"], 2, "not a ticket number"),
        (&["priority", "999", "high"], 1, "no ticket #999"),
    ];
    for (args, code, says) in cases {
        let o = shopdesk(&config, &db).args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
