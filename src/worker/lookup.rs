//! The shop's `order_lookup_cmd`: asked about an order number or an e-mail (as `$1`, never
//! pasted into the command line), within a time limit, its answer stored like an import
//! (`OrderSource::Lookup`) and remembered with its time, so the next question within
//! `order_lookup_max_age` is answered from the cache.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::domain::order::OrderSource;
use crate::import::orders::parse_lookup;
use crate::store::orders::{self, Lookup, PatchOutcome, lookup_key};
use crate::store::{Store, StoreError};

/// How long the command may take before it is stopped.
pub const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("no order_lookup_cmd in [shop]")]
    NotConfigured,
    #[error("order_lookup_cmd: {0}")]
    Command(String),
    #[error("order_lookup_cmd printed {0}")]
    Output(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The command was run just now.
    Fetched,
    /// A lookup younger than the limit was used.
    Cached,
}

/// Asks about `query` (an order number or an e-mail): from the cache when its last answer
/// is younger than `max_age` (and `refresh` is off), else by running `cmd`.
pub fn lookup(
    store: &mut Store,
    cmd: Option<&str>,
    query: &str,
    max_age: chrono::Duration,
    refresh: bool,
    now: DateTime<Utc>,
) -> Result<(Lookup, Freshness), LookupError> {
    let key = lookup_key(query);
    if !refresh
        && let Some(cached) = orders::last_lookup(store.conn(), &key)?
        && now - cached.at < max_age
    {
        return Ok((cached, Freshness::Cached));
    }
    let cmd = cmd.ok_or(LookupError::NotConfigured)?;
    let output = run(cmd, &key, TIMEOUT)?;
    let patches = parse_lookup(&output).map_err(LookupError::Output)?;
    let tx = store.write()?;
    let outcomes = orders::apply(&tx, &patches, OrderSource::Lookup, now)?;
    if let Some(PatchOutcome::Rejected(e)) = outcomes
        .iter()
        .find(|o| matches!(o, PatchOutcome::Rejected(_)))
    {
        return Err(LookupError::Output(format!(
            "an order that cannot be stored: {e}"
        )));
    }
    let numbers: Vec<String> = patches.iter().map(|p| p.number.clone()).collect();
    orders::record_lookup(&tx, &key, &numbers, now)?;
    tx.commit().map_err(StoreError::from)?;
    let found = orders::last_lookup(store.conn(), &key)?
        .ok_or(LookupError::Output("nothing the cache could keep".into()))?;
    Ok((found, Freshness::Fetched))
}

/// Runs `sh -c CMD sh KEY` with nothing on stdin; its stdout, or how it failed (the first
/// line of its stderr included: lookup scripts print their API's complaint there).
fn run(cmd: &str, key: &str, limit: Duration) -> Result<Vec<u8>, LookupError> {
    let fail = |m: String| LookupError::Command(m);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} \"$1\""))
        .arg("sh")
        .arg(key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot start sh: {}", e.kind())))?;
    // Read both pipes on threads so a chatty script cannot fill one and stall.
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| fail("no stdout".into()))?;
    let mut stderr = child
        .stderr
        .take()
        .ok_or_else(|| fail("no stderr".into()))?;
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "no answer within {} s; stopped",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(fail(format!("waiting for it: {}", e.kind()))),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if !status.success() {
        let said = String::from_utf8_lossy(&err);
        let said = crate::domain::sanitize::sanitize_line(said.lines().next().unwrap_or("").trim());
        let how = status
            .code()
            .map_or_else(|| "was killed".to_string(), |c| format!("exit {c}"));
        return Err(fail(if said.is_empty() {
            how
        } else {
            format!("{how}: {said}")
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn a_lookup_is_stored_cached_and_refreshed() {
        let dir = tempfile::tempdir().expect("dir");
        let calls = dir.path().join("calls");
        let cmd = format!(
            "echo \"$1\" >> '{}'; printf '%s' '{{\"number\":\"'\"$1\"'\",\"email\":\"ana@example.test\",\"status\":\"shipped\",\"tracking_number\":\"1Z5R89390357567127\"}}'; :",
            calls.display()
        );
        let mut store = Store::open_in_memory().expect("store");
        let hour = chrono::Duration::hours(1);
        let (found, how) =
            lookup(&mut store, Some(&cmd), "#1001", hour, false, now()).expect("lookup");
        assert_eq!(how, Freshness::Fetched);
        assert_eq!(found.orders.len(), 1);
        assert_eq!(found.orders[0].number, "1001");
        assert_eq!(
            found.orders[0].carrier.as_deref(),
            Some("UPS"),
            "the carrier table names a number the script printed bare"
        );
        let again = now() + chrono::Duration::minutes(10);
        let (_, how) = lookup(&mut store, Some(&cmd), "1001", hour, false, again).expect("cached");
        assert_eq!(how, Freshness::Cached);
        let later = now() + chrono::Duration::hours(2);
        let (_, how) = lookup(&mut store, Some(&cmd), "1001", hour, false, later).expect("stale");
        assert_eq!(how, Freshness::Fetched);
        let (_, how) = lookup(&mut store, Some(&cmd), "1001", hour, true, later).expect("refresh");
        assert_eq!(how, Freshness::Fetched);
        let asked = std::fs::read_to_string(&calls).expect("calls");
        assert_eq!(
            asked, "1001\n1001\n1001\n",
            "the key is passed as $1, without '#'"
        );
    }

    #[test]
    fn a_failing_or_silent_or_slow_command_says_how() {
        let mut store = Store::open_in_memory().expect("store");
        let hour = chrono::Duration::hours(1);
        // the key goes last, as "$1": a final `:` takes it where a command should not
        let cases = [
            (
                "echo 'HTTP 401: bad token' >&2; exit 3; :",
                "exit 3: HTTP 401: bad token",
            ),
            ("echo '{oops'; :", "not ORDER JSON"),
            (
                "echo '{\"number\":\"9\"}'; :",
                "not known and the row gives no email",
            ),
        ];
        for (cmd, expected) in cases {
            let err = lookup(&mut store, Some(cmd), "9", hour, true, now()).expect_err(cmd);
            assert!(err.to_string().contains(expected), "{cmd}: {err}");
        }
        let err = run("sleep 5; :", "x", Duration::from_millis(200)).expect_err("slow");
        assert!(err.to_string().contains("no answer within"), "{err}");
        let err = lookup(&mut store, None, "9", hour, false, now()).expect_err("none");
        assert!(matches!(err, LookupError::NotConfigured));
        // a key with shell syntax is only ever an argument
        let out = run("printf '%s'", "$(touch /nonexistent/x); `id`", TIMEOUT).expect("echo");
        assert_eq!(out, b"$(touch /nonexistent/x); `id`");
    }
}
