//! IMAP errors, phrased for the person who must fix them.

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot connect to IMAP server {host}:{port}: {source}")]
    Connect {
        host: String,
        port: u16,
        source: std::io::Error,
    },
    #[error("TLS with IMAP server {host}:{port} failed: {message}")]
    Tls {
        host: String,
        port: u16,
        message: String,
    },
    #[error("IMAP server {host} refused login for '{user}': {message}")]
    Auth {
        host: String,
        user: String,
        message: String,
    },
    #[error("IMAP server {host}: mailbox '{mailbox}': {message}")]
    Mailbox {
        host: String,
        mailbox: String,
        message: String,
    },
    #[error("IMAP server {host}: {source}")]
    Protocol {
        host: String,
        source: Box<imap::Error>,
    },
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

impl ImapError {
    /// Worth retrying later (network trouble), as opposed to a setting someone must change.
    pub fn is_transient(&self) -> bool {
        match self {
            ImapError::Connect { .. } => true,
            ImapError::Protocol { source, .. } => matches!(
                **source,
                imap::Error::Io(_) | imap::Error::ConnectionLost | imap::Error::Bye(_)
            ),
            _ => false,
        }
    }
}
