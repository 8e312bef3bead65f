//! IMAP: connecting (plain, STARTTLS, TLS via rustls), the protocol side of the RFC 4549
//! resync of one mailbox (plain data; the worker stores it); the Sent folder found by its
//! special use.

mod connect;
mod error;
pub mod special_use;
mod stream;
pub mod sync;

pub use connect::{COMMAND_TIMEOUT, Capabilities, Connected, client_config, connect};
pub use error::ImapError;
pub use special_use::discover_sent;
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
