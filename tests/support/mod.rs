//! Shared test support: a private Dovecot + Postfix per test, and a helper to run the
//! `shopdesk` binary against it. Each test binary includes this with `mod support;`.
#![allow(dead_code, clippy::unwrap_used)]

pub mod mailstack;
pub mod messages;
pub mod screen;
pub mod sla_shop;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use mailstack::MailStack;

/// The built binary under test.
pub fn shopdesk_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_shopdesk"))
}

/// A `shopdesk` command with the given config and database, isolated from the user's
/// environment.
pub fn shopdesk(config: &Path, db: &Path) -> Command {
    let mut c = Command::new(shopdesk_bin());
    c.arg("--config").arg(config).arg("--db").arg(db);
    c.env_remove("SHOPDESK_CONFIG").env_remove("SHOPDESK_DB");
    c.env("NO_COLOR", "1");
    c.env("SHOPDESK_TEST_PASSWORD", mailstack::PASSWORD);
    c
}

/// A temporary folder with a config for `stack` (plus `extra` account lines) and the path
/// of a database in it: (folder, config, database). The folder lives as long as the first.
pub fn setup(stack: &MailStack, extra: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), extra);
    let db = tmp.path().join("shop.db");
    (tmp, config, db)
}

/// Runs a command and returns its output, panicking with stderr when it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run shopdesk")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and asserts success, returning stdout.
pub fn ok(cmd: &mut Command) -> String {
    let o = run(cmd);
    assert!(
        o.status.success(),
        "command failed ({:?}):\nstdout: {}\nstderr: {}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// `reply ID --body-file … --status STATUS`, the body written to a file in `dir` first;
/// the command must succeed.
pub fn reply(config: &Path, db: &Path, dir: &Path, id: &str, text: &str, status: &str) {
    let body = dir.join("answer.txt");
    std::fs::write(&body, text).expect("write the reply's body");
    ok(shopdesk(config, db)
        .args(["reply", id, "--body-file"])
        .arg(&body)
        .args(["--status", status]));
}

/// `list --json` parsed.
pub fn list_json(config: &Path, db: &Path, query: &[&str]) -> Vec<serde_json::Value> {
    let out = ok(shopdesk(config, db)
        .arg("list")
        .arg("--json")
        .arg("--limit")
        .arg("100000")
        .args(query));
    serde_json::from_str(&out).expect("list --json is JSON")
}
