//! Finding the Sent folder by its RFC 6154 special use, for accounts whose config does not
//! name it: one LIST on the run's first connection, kept for the rest of the run.

use imap_proto::NameAttribute;

use super::{Session, decode_mailbox};
use crate::config::SentFolder;

/// One mailbox of a LIST answer, as far as choosing the Sent folder goes.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    /// As on the wire (modified UTF-7).
    pub name: &'a str,
    pub sent: bool,
    pub selectable: bool,
}

/// The first selectable mailbox marked \Sent, as people write its name.
pub fn pick_sent<'a>(listed: impl IntoIterator<Item = Listed<'a>>) -> Option<String> {
    listed
        .into_iter()
        .find(|m| m.sent && m.selectable)
        .map(|m| decode_mailbox(m.name))
}

/// Fills a `SentFolder::Discovered` that is still empty. A server that marks no mailbox, or
/// a LIST that fails, leaves "Sent" (a failed LIST is tried again on the next connection;
/// the connection's trouble shows in the command that follows).
pub fn discover_sent(session: &mut Session, sent: &SentFolder) {
    let SentFolder::Discovered(found) = sent else {
        return;
    };
    if found.get().is_some() {
        return;
    }
    let special_use = session
        .capabilities()
        .map(|c| c.has_str("SPECIAL-USE"))
        .unwrap_or(false);
    // Servers with SPECIAL-USE return the marks when asked; others (and some that have
    // it) send them with a plain LIST.
    let pattern = if special_use {
        "\"*\" RETURN (SPECIAL-USE)"
    } else {
        "\"*\""
    };
    let names = match session.list(Some(""), Some(pattern)) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "listing mailboxes to find the Sent folder");
            return;
        }
    };
    let chosen = pick_sent(names.iter().map(|n| Listed {
        name: n.name(),
        sent: n.attributes().contains(&NameAttribute::Sent),
        selectable: !n.attributes().contains(&NameAttribute::NoSelect),
    }));
    match &chosen {
        Some(name) => tracing::info!(mailbox = %name, "the server marks this mailbox \\Sent"),
        None => tracing::info!("the server marks no mailbox \\Sent; using \"Sent\""),
    }
    let _ = found.set(chosen.unwrap_or_else(|| "Sent".to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, sent: bool, selectable: bool) -> Listed<'_> {
        Listed {
            name,
            sent,
            selectable,
        }
    }

    #[test]
    fn picks_the_selectable_sent_mailbox_by_its_people_name() {
        let cases: Vec<(Vec<Listed>, Option<&str>)> = vec![
            (
                vec![
                    m("INBOX", false, true),
                    m("[Gmail]", false, false),
                    m("[Gmail]/Sent Mail", true, true),
                ],
                Some("[Gmail]/Sent Mail"),
            ),
            (
                vec![m("Skickat", true, true), m("Sent", false, true)],
                Some("Skickat"),
            ),
            (
                vec![m("&AMk-l&AOk-ments envoy&AOk-s", true, true)],
                Some("Éléments envoyés"),
            ),
            (
                vec![m("Old Sent", true, false), m("Gesendet", true, true)],
                Some("Gesendet"),
            ),
            (vec![m("INBOX", false, true), m("Sent", false, true)], None),
            (vec![], None),
        ];
        for (listed, want) in cases {
            assert_eq!(pick_sent(listed.clone()).as_deref(), want, "{listed:?}");
        }
    }
}
