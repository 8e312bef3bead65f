//! Driving the real binary in tmux: start a session on a command, send keys, read the
//! screen, and wait for a text to appear.

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session, killed when dropped.
pub struct Tmux(String);

impl Tmux {
    pub fn start(name: &str, cmd: &str, width: u16, height: u16) -> Tmux {
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                cmd,
            ])
            .status()
            .expect("tmux");
        assert!(status.success());
        Tmux(name.to_string())
    }
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["send-keys", "-t", &self.0, k])
                .status()
                .unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
    }
    pub fn wait_for(&self, what: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) || start.elapsed() > limit {
                return s;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}
