//! The console's log file, `shopdesk.log` in the state folder: private to its owner (0600,
//! in a 0700 folder: it names customers and servers) and bounded: past `MAX_BYTES` it
//! becomes `shopdesk.log.1`, older ones move up, and at most `KEEP` of them stay.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
pub const KEEP: usize = 3;
const NAME: &str = "shopdesk.log";

pub struct LogFile {
    dir: PathBuf,
    file: File,
    written: u64,
    max_bytes: u64,
    keep: usize,
}

impl LogFile {
    /// Opens (creating) `shopdesk.log` in `dir` for appending.
    pub fn open(dir: &Path) -> io::Result<LogFile> {
        Self::open_with(dir, MAX_BYTES, KEEP)
    }

    fn open_with(dir: &Path, max_bytes: u64, keep: usize) -> io::Result<LogFile> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        remove_daily_files(dir);
        let file = open_private(&dir.join(NAME))?;
        let written = file.metadata()?.len();
        let mut log = LogFile {
            dir: dir.to_path_buf(),
            file,
            written,
            max_bytes,
            keep,
        };
        if written >= max_bytes {
            log.rotate()?;
        }
        Ok(log)
    }

    fn numbered(&self, n: usize) -> PathBuf {
        self.dir.join(format!("{NAME}.{n}"))
    }

    /// `shopdesk.log` → `.1` → `.2` … → `.KEEP`, the oldest dropped; a fresh file follows.
    fn rotate(&mut self) -> io::Result<()> {
        if self.keep == 0 {
            self.file.set_len(0)?;
        } else {
            for n in (1..self.keep).rev() {
                ignore_missing(std::fs::rename(self.numbered(n), self.numbered(n + 1)))?;
            }
            ignore_missing(std::fs::rename(self.dir.join(NAME), self.numbered(1)))?;
            self.file = open_private(&self.dir.join(NAME))?;
        }
        self.written = 0;
        Ok(())
    }
}

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written > 0 && self.written + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Opens for appending with mode 0600, narrowing a file an older version left 0644.
fn open_private(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

fn ignore_missing(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Earlier versions rotated by day and never deleted (`shopdesk.log.2026-11-24`, 0644):
/// those files go, so the folder holds no more than this module keeps.
fn remove_daily_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(date) = name.to_str().and_then(|n| n.strip_prefix("shopdesk.log.")) else {
            continue;
        };
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn log_file_and_folder_are_private() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("state/shopdesk");
        let mut log = LogFile::open(&dir).expect("open");
        writeln!(log, "hello").expect("write");
        assert_eq!(mode(&dir.join(NAME)), 0o600);
        assert_eq!(mode(&dir), 0o700);

        // A log left 0644 by an older version is narrowed, and its dated files go.
        drop(log);
        std::fs::set_permissions(dir.join(NAME), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        std::fs::write(dir.join("shopdesk.log.2026-11-20"), "old").expect("old");
        std::fs::write(dir.join("notes.txt"), "mine").expect("other file");
        LogFile::open(&dir).expect("reopen");
        assert_eq!(mode(&dir.join(NAME)), 0o600);
        assert_eq!(names(&dir), ["notes.txt", "shopdesk.log"]);
    }

    #[test]
    fn rotation_keeps_a_bounded_number_of_private_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut log = LogFile::open_with(tmp.path(), 100, 2).expect("open");
        for i in 0..100 {
            // one write per line, as the logger's writer thread does
            log.write_all(format!("line {i:04} of the log, some thirty bytes\n").as_bytes())
                .expect("write");
        }
        log.flush().expect("flush");
        assert_eq!(
            names(tmp.path()),
            ["shopdesk.log", "shopdesk.log.1", "shopdesk.log.2"]
        );
        for name in names(tmp.path()) {
            let path = tmp.path().join(&name);
            assert_eq!(mode(&path), 0o600, "{name}");
            assert!(
                std::fs::metadata(&path).expect("meta").len() <= 100,
                "{name}"
            );
        }
        // The newest lines are in the current file, the ones before in .1.
        let current = std::fs::read_to_string(tmp.path().join(NAME)).expect("read");
        assert!(current.contains("line 0099"), "{current}");
        let previous = std::fs::read_to_string(tmp.path().join("shopdesk.log.1")).expect("read");
        assert!(previous.contains("line 0097"), "{previous}");

        // A file already past the limit is rotated when opened.
        drop(log);
        std::fs::write(tmp.path().join(NAME), vec![b'x'; 150]).expect("big");
        LogFile::open_with(tmp.path(), 100, 2).expect("reopen");
        assert_eq!(
            std::fs::metadata(tmp.path().join(NAME))
                .expect("meta")
                .len(),
            0
        );
        assert_eq!(names(tmp.path()).len(), 3);
    }
}
