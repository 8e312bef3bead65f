//! IMAP: connecting (plain, STARTTLS, TLS via rustls), and the RFC 4549 resync of one
//! mailbox into the store.

mod connect;
mod error;
mod stream;
pub mod sync;

pub use connect::{COMMAND_TIMEOUT, Capabilities, Connected, client_config, connect};
pub use error::ImapError;
pub use stream::ImapStream;

/// An authenticated session over our stream type.
pub type Session = imap::Session<ImapStream>;

/// Mailbox name as sent on the wire (modified UTF-7, RFC 3501 §5.1.3).
pub fn encode_mailbox(name: &str) -> String {
    utf7_imap::encode_utf7_imap(name.to_string())
}

/// Mailbox name as shown to people.
pub fn decode_mailbox(name: &str) -> String {
    utf7_imap::decode_utf7_imap(name.to_string())
}

/// The mailbox the server marks as `\Sent` (RFC 6154 special use), for a new account's
/// `sent_folder`; `None` when the server marks none. Names are decoded for people.
pub fn sent_folder(session: &mut Session, host: &str) -> Result<Option<String>, ImapError> {
    let names = session
        .list(Some(""), Some("*"))
        .map_err(|source| ImapError::Protocol {
            host: host.to_string(),
            source: Box::new(source),
        })?;
    Ok(names
        .iter()
        .find(|n| n.attributes().contains(&imap_proto::NameAttribute::Sent))
        .map(|n| decode_mailbox(n.name())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_names_round_trip_modified_utf7() {
        for (plain, wire) in [
            ("INBOX", "INBOX"),
            ("Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"),
            ("Kunder & Ordrar", "Kunder &- Ordrar"),
            ("Gönderilmiş", "G&APY-nderilmi&AV8-"),
            ("已发送", "&XfJT0ZAB-"),
        ] {
            assert_eq!(encode_mailbox(plain), wire, "{plain}");
            assert_eq!(decode_mailbox(wire), plain, "{wire}");
        }
    }
}
