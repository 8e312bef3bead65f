//! Who holds an outbox row: a name per sender that says which process on which boot of
//! which machine it is, so another sender can tell at once that the holder was killed
//! (its rows are freed without waiting for the lease to lapse). Only Linux's /proc is
//! read; elsewhere, and for a holder on another machine, the lease decides.

use std::sync::atomic::{AtomicU64, Ordering};

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// This process's boot id and start time, read once.
fn this_process() -> (String, String) {
    static ME: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    ME.get_or_init(|| {
        let boot = boot_id().unwrap_or_else(|| "-".into());
        let start = start_time(std::process::id()).unwrap_or_else(|| "-".into());
        (boot, start)
    })
    .clone()
}

/// A fresh name for one sender of this process: `boot:pid:start:n`. Two senders in one
/// process (the console's and a flush) get different names.
pub fn new_name() -> String {
    let (boot, start) = this_process();
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    format!("{boot}:{}:{start}:{n}", std::process::id())
}

/// Whether the holder named `name` may still be running. Only a holder on this boot of
/// this machine whose process is gone (or was replaced by another with the same pid) is
/// known dead; anything else is given the benefit of the doubt.
pub fn is_alive(name: &str) -> bool {
    let mut parts = name.split(':');
    let (Some(boot), Some(pid), Some(start)) = (parts.next(), parts.next(), parts.next()) else {
        return true;
    };
    let (my_boot, _) = this_process();
    if boot == "-" || boot != my_boot {
        return true;
    }
    let Ok(pid) = pid.parse::<u32>() else {
        return true;
    };
    match start_time(pid) {
        None => false,
        Some(now) => start == "-" || now == start,
    }
}

fn boot_id() -> Option<String> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    Some(id.trim().replace(':', ""))
}

/// A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), which
/// tells a pid reused by a later process from the original.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: skip past it.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_this_process_is_alive() {
        let a = new_name();
        let b = new_name();
        assert_ne!(a, b);
        assert!(is_alive(&a));
    }

    #[test]
    fn a_finished_process_is_dead_and_strangers_are_not_judged() {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        let start = start_time(pid);
        child.wait().expect("wait");
        let (boot, _) = this_process();
        if boot != "-" {
            let name = format!("{boot}:{pid}:{}:0", start.unwrap_or_else(|| "1".into()));
            assert!(!is_alive(&name), "{name}");
            // the same pid started at another time is another process
            let me = std::process::id();
            assert!(!is_alive(&format!("{boot}:{me}:1:0")));
        }
        assert!(is_alive("otherboot:1:1:0"));
        assert!(is_alive("garbage"));
    }
}
