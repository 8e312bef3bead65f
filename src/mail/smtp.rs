//! SMTP with lettre's connection API: none / STARTTLS / implicit TLS, authentication, one
//! connection per account reused for a batch.
//!
//! Sending is split so the caller can record the moment the message is handed over: after
//! DATA is accepted and just before the content and its final dot go out. A process killed
//! before that point never delivered; one killed after it almost certainly did (the server
//! commits on the dot even if the client vanishes). The outbox uses this to resend only
//! what cannot have arrived.

use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use crate::config::{Security, ServerConfig};

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("SMTP server {host}:{port}: {message}")]
    Send {
        host: String,
        port: u16,
        message: String,
        /// The server answered with a refusal (as opposed to the connection failing).
        refused: bool,
    },
    #[error("SMTP server {host}: TLS setup: {message}")]
    Tls { host: String, message: String },
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("bad envelope address: {0}")]
    Address(String),
    #[error("{0}")]
    HandOver(String),
}

pub struct Smtp {
    server: ServerConfig,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    conn: Option<SmtpConnection>,
    used: Option<std::time::Instant>,
}

const TIMEOUT: Duration = Duration::from_secs(60);

fn describe(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

impl Smtp {
    pub fn new(account: &str, server: &ServerConfig) -> Result<Smtp, SmtpError> {
        let tls = match server.security {
            Security::None => None,
            Security::Starttls | Security::Tls => {
                let mut b = TlsParameters::builder(server.host.clone());
                if let Some(ca) = &server.ca_file {
                    let pem = std::fs::read(ca).map_err(|e| SmtpError::Tls {
                        host: server.host.clone(),
                        message: format!("{}: {e}", ca.display()),
                    })?;
                    let cert = Certificate::from_pem(&pem).map_err(|e| SmtpError::Tls {
                        host: server.host.clone(),
                        message: e.to_string(),
                    })?;
                    b = b.add_root_certificate(cert);
                }
                Some(b.build_rustls().map_err(|e| SmtpError::Tls {
                    host: server.host.clone(),
                    message: e.to_string(),
                })?)
            }
        };
        let credentials = server
            .resolve_password(account)?
            .map(|p| Credentials::new(server.user.clone(), p));
        Ok(Smtp {
            server: server.clone(),
            tls,
            credentials,
            conn: None,
            used: None,
        })
    }

    fn err(&self, e: &lettre::transport::smtp::Error) -> SmtpError {
        SmtpError::Send {
            host: self.server.host.clone(),
            port: self.server.port,
            message: describe(e),
            refused: e.is_permanent() || e.is_transient(),
        }
    }

    fn connection(&mut self) -> Result<&mut SmtpConnection, SmtpError> {
        // A connection used in the last seconds is alive; an older one gets a NOOP first.
        let fresh = self
            .used
            .is_some_and(|t| t.elapsed() < Duration::from_secs(5));
        let reuse = match self.conn.as_mut() {
            Some(c) => !c.has_broken() && (fresh || c.test_connected()),
            None => false,
        };
        self.used = Some(std::time::Instant::now());
        if !reuse {
            let hello = ClientId::default();
            let wrapper = (self.server.security == Security::Tls)
                .then_some(self.tls.as_ref())
                .flatten();
            let mut c = SmtpConnection::connect(
                (self.server.host.as_str(), self.server.port),
                Some(TIMEOUT),
                &hello,
                wrapper,
                None,
            )
            .map_err(|e| self.err(&e))?;
            if self.server.security == Security::Starttls
                && let Some(tls) = &self.tls
            {
                c.starttls(tls, &hello).map_err(|e| self.err(&e))?;
            }
            if let Some(creds) = &self.credentials {
                c.auth(&[Mechanism::Plain, Mechanism::Login], creds)
                    .map_err(|e| self.err(&e))?;
            }
            self.conn = Some(c);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| SmtpError::HandOver("no connection".into()))
    }

    /// Sends `raw` to `recipients`. `hand_over` runs after the server accepted DATA and
    /// before the content goes out; if it fails, nothing is sent. An `Ok` means the server
    /// accepted the message.
    pub fn send(
        &mut self,
        from: &str,
        recipients: &[String],
        raw: &[u8],
        hand_over: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), SmtpError> {
        let from: Address = from
            .parse()
            .map_err(|_| SmtpError::Address(from.to_string()))?;
        let to = recipients
            .iter()
            .map(|r| {
                r.parse::<Address>()
                    .map_err(|_| SmtpError::Address(r.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(from.clone()), to.clone())
            .map_err(|e| SmtpError::Address(e.to_string()))?;
        let result = self.transaction(&envelope, raw, hand_over);
        if result.is_err()
            && let Some(mut c) = self.conn.take()
        {
            c.abort();
        }
        result
    }

    fn transaction(
        &mut self,
        envelope: &Envelope,
        raw: &[u8],
        hand_over: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), SmtpError> {
        let host = self.server.host.clone();
        let port = self.server.port;
        let fail = move |e: lettre::transport::smtp::Error| SmtpError::Send {
            host: host.clone(),
            port,
            message: describe(&e),
            refused: e.is_permanent() || e.is_transient(),
        };
        let conn = self.connection()?;
        let mut params = Vec::new();
        if !raw.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        conn.command(Mail::new(envelope.from().cloned(), params))
            .map_err(&fail)?;
        for to in envelope.to() {
            conn.command(Rcpt::new(to.clone(), vec![])).map_err(&fail)?;
        }
        conn.command(Data).map_err(&fail)?;
        if let Err(e) = hand_over() {
            return Err(SmtpError::HandOver(e));
        }
        // One write for content and final dot: written apart (as lettre's `message` does),
        // the small last write waits on the server's delayed ACK, 40 ms per message.
        match DotStuffed::new(raw) {
            Some(payload) => conn.command(payload).map_err(&fail)?,
            None => conn.message(raw).map_err(&fail)?,
        };
        Ok(())
    }
}

/// DATA content dot-stuffed (RFC 5321 4.5.2) and terminated, as one text. `None` for
/// content that is not UTF-8, which goes the byte-wise way.
struct DotStuffed(String);

impl DotStuffed {
    fn new(raw: &[u8]) -> Option<DotStuffed> {
        let text = std::str::from_utf8(raw).ok()?;
        let mut out = String::with_capacity(text.len() + 64);
        let body = text.strip_suffix("\r\n").unwrap_or(text);
        for line in body.split("\r\n") {
            if line.contains('\n') || line.contains('\r') {
                return None;
            }
            if line.starts_with('.') {
                out.push('.');
            }
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str(".\r\n");
        Some(DotStuffed(out))
    }
}

impl std::fmt::Display for DotStuffed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SmtpError {
    /// Whether the server said no (so the message was certainly not taken).
    pub fn refused(&self) -> bool {
        match self {
            SmtpError::Send { refused, .. } => *refused,
            _ => true,
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        if let Some(c) = self.conn.as_mut() {
            let _ = c.quit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DotStuffed;

    #[test]
    fn dot_stuffing() {
        let d = DotStuffed::new(b"Subject: x\r\n\r\n.hidden\r\nline\r\n.\r\n").expect("utf-8");
        assert_eq!(d.0, "Subject: x\r\n\r\n..hidden\r\nline\r\n..\r\n.\r\n");
        assert_eq!(
            DotStuffed::new(b"no newline").expect("utf-8").0,
            "no newline\r\n.\r\n"
        );
        assert!(DotStuffed::new(b"bare\nLF").is_none());
        assert!(DotStuffed::new(&[0xff, 0xfe]).is_none());
    }
}
