//! Human-readable output: aligned columns that respect wide (CJK) characters, relative ages,
//! and standard output that sanitises every line it is given.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::domain::sanitize::sanitize_text;
use crate::ui::text::short_age;

/// Standard output for people: each line passes the sanitiser on its way out, whatever
/// field it was made of, so a value a command forgot to clean still cannot reach the
/// terminal raw. Lines are held until their newline (a sequence is never cut in two);
/// the rest goes out on flush or drop.
pub struct Terminal<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Terminal<W> {
    pub fn new(inner: W) -> Terminal<W> {
        Terminal {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let rest = self.pending.split_off(upto);
        let lines = std::mem::replace(&mut self.pending, rest);
        let clean = sanitize_text(&String::from_utf8_lossy(&lines));
        self.inner.write_all(clean.as_bytes())
    }
}

/// Standard output, locked, sanitised line by line.
pub fn terminal() -> Terminal<io::StdoutLock<'static>> {
    Terminal::new(io::stdout().lock())
}

impl<W: Write> Write for Terminal<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(i) = buf.iter().rposition(|&b| b == b'\n') {
            let end = self.pending.len() - (buf.len() - i - 1);
            self.emit(end)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit(self.pending.len())?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Terminal<W> {
    fn drop(&mut self) {
        // errors here have nowhere to go; commands flush before they return
        let _ = self.flush();
    }
}

/// "5m", "3h", "2d", "6w" since `at`.
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds().max(0);
    // past two weeks, days are too many to read at a glance
    if secs < 14 * 86_400 {
        short_age(secs)
    } else {
        format!("{}w", secs / (7 * 86_400))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_cleans_every_line_whatever_the_writes() {
        let cases: &[(&str, &[&str], &str)] = &[
            ("plain lines", &["a\n", "b\n"], "a\nb\n"),
            ("sequence in one write", &["x\u{1b}[8my\n"], "xy\n"),
            (
                "sequence over two writes",
                &["x\u{1b}[?10", "49hy\n"],
                "xy\n",
            ),
            ("c1 csi", &["a\u{9b}31mb\n"], "ab\n"),
            (
                "osc 52 with bel",
                &["a\u{1b}]52;c;", "eA==\u{7}b\n"],
                "ab\n",
            ),
            ("dcs", &["a\u{1b}Pq\u{1b}\\b\n"], "ab\n"),
            ("tail without newline", &["end\u{7}"], "end"),
        ];
        for (name, writes, want) in cases {
            let mut buf = Vec::new();
            {
                let mut t = Terminal::new(&mut buf);
                for w in *writes {
                    t.write_all(w.as_bytes()).expect("write");
                }
            }
            assert_eq!(String::from_utf8(buf).expect("utf-8"), *want, "{name}");
        }
    }
}
