//! The send worker's IMAP side: filing copies in the Sent folder (one APPEND for a batch
//! where the server takes several at once), finding a copy by Message-ID after an APPEND
//! was cut off, and flagging the customers' messages \Answered.

use std::collections::HashMap;

use super::Link;
use crate::config::AccountConfig;
use crate::mail::imap::encode_mailbox;
use crate::store::outbox::OutboxRow;

pub(super) fn file_copies(
    link: &mut Link,
    account: &AccountConfig,
    rows: &[OutboxRow],
) -> Result<(), String> {
    if rows.is_empty() {
        return Ok(());
    }
    // Connecting first: it is what finds the Sent folder where the config names none.
    link.imap(account)?;
    let sent = encode_mailbox(account.sent_folder.name());
    if link.multiappend.is_none() {
        let caps = link
            .imap(account)?
            .capabilities()
            .map_err(|e| e.to_string())?;
        link.multiappend = Some(caps.has_str("MULTIAPPEND") && caps.has_str("LITERAL+"));
        link.files_own_copies = files_own_copies(caps.iter().map(|c| match c {
            imap_proto::types::Capability::Atom(a) => a.as_ref(),
            _ => "",
        }));
        if link.files_own_copies {
            tracing::info!(
                account = %account.name,
                "the server files its own copy of sent mail (Gmail); none is appended"
            );
        }
    }
    if link.files_own_copies {
        // Gmail puts everything sent through its SMTP in Sent itself: a second copy would
        // show every reply twice, whatever `save_sent` says.
        return Ok(());
    }
    let texts: Option<Vec<&str>> = rows
        .iter()
        .map(|r| std::str::from_utf8(&r.raw).ok())
        .collect();
    if let (Some(true), Some(texts), true) = (link.multiappend, texts, rows.len() > 1) {
        // One command, one mailbox transaction (one fsync on the server) for the batch.
        let mut cmd = format!("APPEND {}", quote_imap(&sent));
        for t in texts {
            cmd.push_str(&format!(" (\\Seen) {{{}+}}\r\n{t}", t.len()));
        }
        return link
            .imap(account)?
            .run_command_and_check_ok(&cmd)
            .map_err(|e| e.to_string());
    }
    for r in rows {
        link.imap(account)?
            .append(&sent, &r.raw)
            .flag(imap::types::Flag::Seen)
            .finish()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Whether a server with these capabilities files a copy of what its SMTP relays in its
/// Sent folder itself: Gmail, which says so by its extension `X-GM-EXT-1`.
fn files_own_copies<'a>(capabilities: impl IntoIterator<Item = &'a str>) -> bool {
    capabilities
        .into_iter()
        .any(|c| c.eq_ignore_ascii_case("X-GM-EXT-1"))
}

fn quote_imap(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether the Sent folder holds a message with this Message-ID.
pub(super) fn in_sent(
    link: &mut Link,
    account: &AccountConfig,
    message_id: &str,
) -> Result<bool, String> {
    let session = link.imap(account)?;
    session
        .examine(encode_mailbox(account.sent_folder.name()))
        .map_err(|e| e.to_string())?;
    link.selected = None;
    let found = link
        .imap(account)?
        .uid_search(format!("HEADER Message-ID {}", quote_imap(message_id)))
        .map_err(|e| e.to_string())?;
    Ok(!found.is_empty())
}

pub(super) fn flag_answered(
    link: &mut Link,
    account: &AccountConfig,
    targets: HashMap<String, Vec<u32>>,
) -> Result<(), String> {
    for (mailbox, mut uids) in targets {
        uids.sort_unstable();
        if link.selected.as_deref() != Some(mailbox.as_str()) {
            link.imap(account)?
                .select(encode_mailbox(&mailbox))
                .map_err(|e| e.to_string())?;
            link.selected = Some(mailbox.clone());
        }
        link.imap(account)?
            .uid_store(
                crate::mail::imap::sync::uid_set(&uids),
                "+FLAGS.SILENT (\\Answered)",
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_is_known_by_its_extension() {
        let cases: &[(&[&str], bool)] = &[
            (
                &["IMAP4rev1", "UNSELECT", "IDLE", "X-GM-EXT-1", "SPECIAL-USE"],
                true,
            ),
            (&["IMAP4rev1", "x-gm-ext-1"], true),
            (
                &["IMAP4rev1", "LITERAL+", "MULTIAPPEND", "SPECIAL-USE"],
                false,
            ),
            (&["X-GM-EXT-2"], false),
            (&[], false),
        ];
        for (caps, want) in cases {
            assert_eq!(files_own_copies(caps.iter().copied()), *want, "{caps:?}");
        }
    }
}
