//! Saving a ticket's attachments (`S` in the thread): into `shopdesk-<ticket>` in the
//! user's download folder, under names that cannot leave it, and private to the user
//! (files 0600, the folder 0700): customers send invoices, IDs and photos of their homes.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::domain::TicketId;
use crate::store::read;

/// Where saved attachments go: the user's download folder, else the home folder.
pub fn download_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| {
            d.download_dir()
                .map(PathBuf::from)
                .or_else(|| Some(d.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The folder a ticket's attachments are saved in, under `base`.
pub fn ticket_dir(base: &Path, ticket: TicketId) -> PathBuf {
    base.join(format!("shopdesk-{ticket}"))
}

/// Saves every attachment of `ticket` into `dir` (created 0700 when missing); returns how
/// many were written. Saving again overwrites the files it wrote before.
pub fn save_all(conn: &Connection, ticket: TicketId, dir: &Path) -> anyhow::Result<usize> {
    let detail = read::ticket_detail(conn, ticket)?;
    let mut saved = 0;
    for m in &detail.messages {
        if m.attachments.is_empty() {
            continue;
        }
        let Some(raw) = read::raw_message(conn, m.id)? else {
            continue;
        };
        for (i, a) in m.attachments.iter().enumerate() {
            let Some(bytes) = crate::mail::parse::attachment_bytes(&raw, a.part) else {
                continue;
            };
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
            write_private(
                &dir.join(safe_file_name(a.filename.as_deref(), m.id, i)),
                &bytes,
            )?;
            saved += 1;
        }
    }
    Ok(saved)
}

/// Writes `bytes` to a file only its owner may read, also when it existed with a wider
/// mode (saved by an older version).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)
}

/// A file name from a sender-chosen attachment name: no folders, no hidden files, no
/// control characters, never empty.
pub fn safe_file_name(name: Option<&str>, message: i64, index: usize) -> String {
    let cleaned: String = crate::domain::sanitize::sanitize_line(name.unwrap_or(""))
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '\0') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        format!("attachment-{message}-{}", index + 1)
    } else {
        format!("{message}-{cleaned}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;

    #[test]
    fn attachment_names_cannot_escape_the_folder() {
        assert_eq!(safe_file_name(Some("receipt.pdf"), 7, 0), "7-receipt.pdf");
        assert_eq!(safe_file_name(Some("../../.bashrc"), 7, 0), "7-_.._.bashrc");
        assert_eq!(safe_file_name(Some("/etc/passwd"), 7, 0), "7-_etc_passwd");
        assert_eq!(safe_file_name(Some(".hidden"), 7, 0), "7-hidden");
        assert_eq!(safe_file_name(Some("a\u{1b}[31mb\u{202e}c"), 7, 0), "7-abc");
        assert_eq!(safe_file_name(None, 7, 1), "attachment-7-2");
        assert_eq!(safe_file_name(Some(" .. "), 7, 0), "attachment-7-1");
    }

    #[test]
    fn saved_attachments_are_private() {
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let raw = b"From: a@x.example\r\nTo: shop@example.test\r\nSubject: My passport\r\n\
            Message-ID: <p1@x>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
            Content-Type: text/plain\r\n\r\nAttached.\r\n--b\r\n\
            Content-Type: application/pdf; name=\"id.pdf\"\r\n\
            Content-Disposition: attachment; filename=\"id.pdf\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
            .to_vec();
        ingest_raw(&mut store, &account, "INBOX", &[raw]).expect("ingest");
        let base = tempfile::tempdir().expect("tempdir");
        let dir = ticket_dir(base.path(), 1);
        // A file of the same name left world-readable by an older version.
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("1-id.pdf");
        std::fs::write(&path, b"old").expect("old file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");

        assert_eq!(save_all(store.conn(), 1, &dir).expect("save"), 1);
        assert_eq!(std::fs::read(&path).expect("read"), b"%PDF-1.4\n");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);

        // A folder it creates is private too.
        let fresh = ticket_dir(&base.path().join("Downloads"), 1);
        save_all(store.conn(), 1, &fresh).expect("save");
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&fresh.join("1-id.pdf")), 0o600);
    }
}
