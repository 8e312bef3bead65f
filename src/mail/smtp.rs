//! SMTP with lettre: none / STARTTLS / implicit TLS, authentication, one pooled transport
//! per account so a batch reuses its connection.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use crate::config::{Security, ServerConfig};

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("SMTP server {host}:{port}: {message}")]
    Send {
        host: String,
        port: u16,
        message: String,
    },
    #[error("SMTP server {host}: TLS setup: {message}")]
    Tls { host: String, message: String },
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("bad envelope address: {0}")]
    Address(String),
}

pub struct Smtp {
    transport: SmtpTransport,
    host: String,
    port: u16,
}

const TIMEOUT: Duration = Duration::from_secs(60);

impl Smtp {
    pub fn new(account: &str, server: &ServerConfig) -> Result<Smtp, SmtpError> {
        let host = server.host.clone();
        let tls = |host: &str| -> Result<TlsParameters, SmtpError> {
            let mut b = TlsParameters::builder(host.to_string());
            if let Some(ca) = &server.ca_file {
                let pem = std::fs::read(ca).map_err(|e| SmtpError::Tls {
                    host: host.to_string(),
                    message: format!("{}: {e}", ca.display()),
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| SmtpError::Tls {
                    host: host.to_string(),
                    message: e.to_string(),
                })?;
                b = b.add_root_certificate(cert);
            }
            b.build_rustls().map_err(|e| SmtpError::Tls {
                host: host.to_string(),
                message: e.to_string(),
            })
        };
        let mut builder = SmtpTransport::builder_dangerous(host.clone())
            .port(server.port)
            .timeout(Some(TIMEOUT));
        builder = match server.security {
            Security::None => builder.tls(Tls::None),
            Security::Starttls => builder.tls(Tls::Required(tls(&host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls(&host)?)),
        };
        if let Some(password) = server.resolve_password(account)? {
            builder = builder.credentials(Credentials::new(server.user.clone(), password));
        }
        Ok(Smtp {
            transport: builder.build(),
            host,
            port: server.port,
        })
    }

    /// Sends raw bytes to `recipients`. An error means the server did not accept them.
    pub fn send(&self, from: &str, recipients: &[String], raw: &[u8]) -> Result<(), SmtpError> {
        let from = from
            .parse()
            .map_err(|_| SmtpError::Address(from.to_string()))?;
        let to = recipients
            .iter()
            .map(|r| r.parse().map_err(|_| SmtpError::Address(r.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope =
            Envelope::new(Some(from), to).map_err(|e| SmtpError::Address(e.to_string()))?;
        self.transport
            .send_raw(&envelope, raw)
            .map(|_| ())
            .map_err(|e| SmtpError::Send {
                host: self.host.clone(),
                port: self.port,
                message: describe(&e),
            })
    }
}

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
