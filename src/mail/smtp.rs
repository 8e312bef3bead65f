//! SMTP with lettre's connection API: none / STARTTLS / implicit TLS, authentication, one
//! connection per account reused for a batch. lettre's async connection runs on a
//! runtime of this sender's own, over a TCP stream we open (with Nagle off, so the final
//! dot never waits on a delayed ACK) and wire (see `tripwire`).
//!
//! Sending is split so the caller can record each point a crash must know about:
//! - right before the content goes out (after MAIL, RCPT and DATA were accepted) the
//!   caller makes its last check; unless it says go on, the connection is dropped without
//!   the final dot and the server discards what it had;
//! - once content and dot are flushed to the server, before its answer is read, the
//!   caller records that the server has the whole message;
//! - `Ok` carries the server's answer to the dot (its queue id, usually).

mod tripwire;

use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use tokio::net::TcpStream;

use crate::config::{OAuth2Mechanism, Security, ServerConfig};
use crate::mail::sasl;
use tripwire::{Tripwire, Wired};

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// A refusal puts the server's words first: they are what a person acts on, and what
    /// a narrow status bar must keep. A connection that failed names the server first.
    #[error("{}", if *refused {
        format!("{message} (SMTP server {host}:{port})")
    } else {
        format!("SMTP server {host}:{port}: {message}")
    })]
    Send {
        host: String,
        port: u16,
        /// The server's code and words, or what went wrong on the way to it.
        message: String,
        /// The server answered with a refusal (as opposed to the connection failing).
        refused: bool,
        /// The refusal is for good (5xx): sending again would get the same answer.
        permanent: bool,
    },
    /// The server turned the account's credentials down: nothing is wrong with the mail,
    /// and every other message of the account would meet the same answer.
    #[error("SMTP sign-in refused for {account}: {words} ({host}:{port})")]
    SignIn {
        account: String,
        host: String,
        port: u16,
        words: String,
    },
    #[error("SMTP server {host}: TLS setup: {message}")]
    Tls { host: String, message: String },
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("bad envelope address: {0}")]
    Address(String),
    #[error("{0}")]
    HandOver(String),
    /// The last check before the content said no: nothing was sent.
    #[error("withdrawn before the content was sent")]
    Withdrawn,
}

pub struct Smtp {
    account: String,
    server: ServerConfig,
    rt: tokio::runtime::Runtime,
    /// lettre's TLS settings, for STARTTLS.
    starttls: Option<TlsParameters>,
    /// Our rustls settings, for implicit TLS (lettre cannot wrap a stream it did not open).
    implicit_tls: Option<Arc<rustls::ClientConfig>>,
    credentials: Option<Credentials>,
    conn: Option<AsyncSmtpConnection>,
    wire: Arc<Tripwire>,
    used: Option<Instant>,
}

/// For each command and the connection; the content gets more by its size.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A refusal as the server put it (`550 5.1.1 <x@y>: Recipient address rejected`), else
/// lettre's account of the failure with every cause.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error;
    if let (Some(code), Some(words)) = (e.status(), e.source()) {
        return format!("{code} {words}");
    }
    // lettre's own text already ends with its first cause.
    let mut s = e.to_string();
    let mut src = e.source().and_then(Error::source);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

impl Smtp {
    pub fn new(account: &str, server: &ServerConfig) -> Result<Smtp, SmtpError> {
        let tls_err = |message: String| SmtpError::Tls {
            host: server.host.clone(),
            message,
        };
        let starttls = match server.security {
            Security::Starttls => {
                let mut b = TlsParameters::builder(server.host.clone());
                if let Some(ca) = &server.ca_file {
                    let pem =
                        std::fs::read(ca).map_err(|e| tls_err(format!("{}: {e}", ca.display())))?;
                    let cert = Certificate::from_pem(&pem).map_err(|e| tls_err(e.to_string()))?;
                    b = b.add_root_certificate(cert);
                }
                Some(b.build_rustls().map_err(|e| tls_err(e.to_string()))?)
            }
            _ => None,
        };
        let implicit_tls = match server.security {
            Security::Tls => Some(Arc::new(
                crate::mail::imap::client_config(server).map_err(|e| tls_err(e.to_string()))?,
            )),
            _ => None,
        };
        let credentials = server
            .resolve_password(account)?
            .map(|p| Credentials::new(server.user.clone(), p));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SmtpError::HandOver(format!("SMTP runtime: {e}")))?;
        Ok(Smtp {
            account: account.to_string(),
            server: server.clone(),
            rt,
            starttls,
            implicit_tls,
            credentials,
            conn: None,
            wire: Arc::new(Tripwire::default()),
            used: None,
        })
    }

    fn err(&self, e: &lettre::transport::smtp::Error) -> SmtpError {
        SmtpError::Send {
            host: self.server.host.clone(),
            port: self.server.port,
            message: describe(e),
            refused: e.is_permanent() || e.is_transient(),
            permanent: e.is_permanent(),
        }
    }

    /// A refusal of AUTH is about the account; anything else is the connection's.
    fn sign_in_err(&self, answered: bool, words: String) -> SmtpError {
        if answered {
            SmtpError::SignIn {
                account: self.account.clone(),
                host: self.server.host.clone(),
                port: self.server.port,
                words,
            }
        } else {
            self.network(words)
        }
    }

    fn network(&self, message: String) -> SmtpError {
        SmtpError::Send {
            host: self.server.host.clone(),
            port: self.server.port,
            message,
            refused: false,
            permanent: false,
        }
    }

    /// Opens (or reuses) the connection: TCP, TLS, greeting, EHLO, STARTTLS, AUTH.
    fn connect(&mut self) -> Result<(), SmtpError> {
        // A connection used in the last seconds is alive; an older one gets a NOOP first.
        let fresh = self
            .used
            .is_some_and(|t| t.elapsed() < Duration::from_secs(5));
        self.used = Some(Instant::now());
        if let Some(conn) = self.conn.as_mut() {
            let alive = !conn.has_broken() && (fresh || self.rt.block_on(conn.test_connected()));
            if alive {
                return Ok(());
            }
            self.conn = None;
        }
        let host = self.server.host.clone();
        let port = self.server.port;
        let hello = ClientId::default();
        let wire = self.wire.clone();
        let implicit = self.implicit_tls.clone();
        let opened = self.rt.block_on(async {
            let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect((host.as_str(), port)))
                .await
                .map_err(|_| "connection timed out".to_string())?
                .map_err(|e| e.to_string())?;
            // The final dot is a small write of its own: without this it waits on the
            // server's delayed ACK, 40 ms per message.
            tcp.set_nodelay(true).map_err(|e| e.to_string())?;
            let peer = tcp.peer_addr().map_err(|e| e.to_string())?;
            let connect = async {
                match implicit {
                    Some(config) => {
                        let name = rustls::pki_types::ServerName::try_from(host.clone())
                            .map_err(|e| format!("TLS: {e}"))?;
                        let tls = tokio_rustls::TlsConnector::from(config)
                            .connect(name, tcp)
                            .await
                            .map_err(|e| format!("TLS: {e}"))?;
                        AsyncSmtpConnection::connect_with_transport(
                            Box::new(Wired::new(tls, peer, wire)),
                            &hello,
                        )
                        .await
                        .map_err(|e| describe(&e))
                    }
                    None => AsyncSmtpConnection::connect_with_transport(
                        Box::new(Wired::new(tcp, peer, wire)),
                        &hello,
                    )
                    .await
                    .map_err(|e| describe(&e)),
                }
            };
            tokio::time::timeout(TIMEOUT, connect)
                .await
                .map_err(|_| "no greeting from the server".to_string())?
        });
        let mut conn = opened.map_err(|m| self.network(m))?;
        if let Some(tls) = &self.starttls {
            self.rt
                .block_on(conn.starttls(tls.clone(), &hello))
                .map_err(|e| self.err(&e))?;
        }
        if let Some(oauth2) = self.server.oauth2.clone() {
            self.token_sign_in(&mut conn, oauth2.mechanism)?;
        } else if let Some(creds) = &self.credentials {
            self.rt
                .block_on(conn.auth(&[Mechanism::Plain, Mechanism::Login], creds))
                .map_err(|e| {
                    self.sign_in_err(e.is_permanent() || e.is_transient(), describe(&e))
                })?;
        }
        self.conn = Some(conn);
        Ok(())
    }

    /// Tests the settings: connects, authenticates and says goodbye, sending nothing.
    pub fn check(&mut self) -> Result<(), SmtpError> {
        self.connect()?;
        if let Some(mut conn) = self.conn.take() {
            // A server that hangs up instead of answering QUIT has still accepted the login.
            let _ = self
                .rt
                .block_on(async { tokio::time::timeout(TIMEOUT, conn.quit()).await });
        }
        Ok(())
    }

    /// AUTH with an OAuth2 token from `oauth2_token_cmd`, fetched at every connection (tokens
    /// last about an hour) and once more when the server turns it down. lettre's own
    /// XOAUTH2 gives up on the server's error challenge and has no OAUTHBEARER, so the
    /// exchange is ours. Without a configured `auth`, XOAUTH2: lettre does not tell which
    /// other mechanisms a server lists, and every OAuth2 mail server takes XOAUTH2.
    fn token_sign_in(
        &mut self,
        conn: &mut AsyncSmtpConnection,
        configured: Option<OAuth2Mechanism>,
    ) -> Result<(), SmtpError> {
        let mechanism = sasl::choose(configured, false);
        let mut first_refusal = None;
        for attempt in 0..2 {
            let token = self.server.fetch_token(&self.account)?.unwrap_or_default();
            let initial = sasl::initial_response(mechanism, &self.server.user, &token);
            let outcome = self.rt.block_on(async {
                tokio::time::timeout(TIMEOUT, token_exchange(conn, mechanism, &initial)).await
            });
            let refusal = match outcome {
                Ok(Ok(())) => {
                    if let Some(why) = first_refusal {
                        tracing::info!(account = self.account, "{why}; a fresh token was taken");
                    }
                    return Ok(());
                }
                Ok(Err(refusal)) => refusal,
                Err(_) => {
                    return Err(self.network(format!("no answer to AUTH {}", mechanism.name())));
                }
            };
            let why = refusal.why.map_or_else(String::new, |w| format!(" ({w})"));
            if !refusal.answered || attempt == 1 {
                let again = if attempt == 1 {
                    " again after a fresh token was fetched"
                } else {
                    ""
                };
                // The message is not at fault: a repaired token helper lets it through.
                return Err(self.sign_in_err(
                    refusal.answered,
                    format!(
                        "{}{why} ({} sign-in for '{}' turned down{again})",
                        refusal.message,
                        mechanism.name(),
                        self.server.user,
                    ),
                ));
            }
            first_refusal = Some(format!("the SMTP server turned down the token{why}"));
        }
        Ok(())
    }

    /// Sends `raw` to `recipients`. `hand_over` runs after the server accepted DATA and
    /// right before the content goes out; unless it says `Ok(true)`, nothing is sent.
    /// `content_out` runs once content and final dot are flushed, before the server's
    /// answer is read. `Ok` means the server accepted the message, and carries its answer.
    pub fn send(
        &mut self,
        from: &str,
        recipients: &[String],
        raw: &[u8],
        hand_over: impl FnOnce() -> Result<bool, String>,
        content_out: impl FnOnce(),
    ) -> Result<String, SmtpError> {
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
        let envelope =
            Envelope::new(Some(from), to).map_err(|e| SmtpError::Address(e.to_string()))?;
        self.connect()?;
        let result = self.transaction(&envelope, raw, hand_over, content_out);
        self.wire.disarm();
        if result.is_err()
            && let Some(mut c) = self.conn.take()
        {
            // Mid-DATA there is no way back but closing: the server discards the message.
            self.rt.block_on(c.abort());
        }
        result
    }

    fn transaction(
        &mut self,
        envelope: &Envelope,
        raw: &[u8],
        hand_over: impl FnOnce() -> Result<bool, String>,
        content_out: impl FnOnce(),
    ) -> Result<String, SmtpError> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(SmtpError::HandOver("no SMTP connection".into()));
        };
        let (host, port) = (self.server.host.clone(), self.server.port);
        let fail = |e: lettre::transport::smtp::Error| SmtpError::Send {
            host: host.clone(),
            port,
            message: describe(&e),
            refused: e.is_permanent() || e.is_transient(),
            permanent: e.is_permanent(),
        };
        let timed_out = |what: &str| SmtpError::Send {
            host: host.clone(),
            port,
            message: format!("no answer to {what} within {} s", TIMEOUT.as_secs()),
            refused: false,
            permanent: false,
        };
        let wire = self.wire.clone();
        // Slow links: a minute, plus a second per 100 kB of content.
        let content_time = TIMEOUT + Duration::from_secs(raw.len() as u64 / 100_000);
        self.rt.block_on(async {
            let mut params = Vec::new();
            if !raw.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
                params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
            }
            tokio::time::timeout(
                TIMEOUT,
                conn.command(Mail::new(envelope.from().cloned(), params)),
            )
            .await
            .map_err(|_| timed_out("MAIL FROM"))?
            .map_err(&fail)?;
            for to in envelope.to() {
                tokio::time::timeout(TIMEOUT, conn.command(Rcpt::new(to.clone(), vec![])))
                    .await
                    .map_err(|_| timed_out("RCPT TO"))?
                    .map_err(&fail)?;
            }
            tokio::time::timeout(TIMEOUT, conn.command(Data))
                .await
                .map_err(|_| timed_out("DATA"))?
                .map_err(&fail)?;
            match hand_over() {
                Ok(true) => {}
                Ok(false) => return Err(SmtpError::Withdrawn),
                Err(e) => return Err(SmtpError::HandOver(e)),
            }
            wire.arm();
            let content = conn.message(raw);
            tokio::pin!(content);
            let mut content_out = Some(content_out);
            let answered = tokio::time::timeout(content_time, async {
                loop {
                    tokio::select! {
                        biased;
                        () = wire.tripped(), if content_out.is_some() => {
                            if let Some(f) = content_out.take() {
                                f();
                            }
                        }
                        r = &mut content => break r,
                    }
                }
            })
            .await
            .map_err(|_| timed_out("the message content"))?
            .map_err(&fail)?;
            Ok(answered.message().collect::<Vec<_>>().join(" "))
        })
    }
}

/// One `AUTH` exchange.
async fn token_exchange(
    conn: &mut AsyncSmtpConnection,
    mechanism: OAuth2Mechanism,
    initial: &str,
) -> Result<(), Refusal> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let first = format!("AUTH {} {}\r\n", mechanism.name(), b64.encode(initial));
    let response = conn
        .command(first)
        .await
        .map_err(|e| Refusal::from_lettre(&e, None))?;
    if !response.has_code(334) {
        return Ok(());
    }
    // An error challenge: answered so the server ends the exchange with its refusal.
    let why = response
        .first_line()
        .and_then(|l| b64.decode(l.trim()).ok())
        .and_then(|c| sasl::describe_challenge(&c));
    let abort = format!("{}\r\n", b64.encode(mechanism.abort_response()));
    match conn.command(abort).await {
        Ok(r) => Err(Refusal {
            message: format!("the exchange did not end in a refusal: {}", r.code()),
            answered: true,
            why,
        }),
        Err(e) => Err(Refusal::from_lettre(&e, why)),
    }
}

/// A failed `AUTH` exchange.
struct Refusal {
    message: String,
    /// The server answered (as opposed to the connection failing).
    answered: bool,
    why: Option<String>,
}

impl Refusal {
    fn from_lettre(e: &lettre::transport::smtp::Error, why: Option<String>) -> Refusal {
        Refusal {
            message: describe(e),
            answered: e.is_permanent() || e.is_transient(),
            why,
        }
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

    /// Whether the server turned the account's sign-in down.
    pub fn is_sign_in(&self) -> bool {
        matches!(self, SmtpError::SignIn { .. })
    }

    /// Whether the refusal is for good: an unknown recipient, a rejected message.
    pub fn is_permanent(&self) -> bool {
        match self {
            SmtpError::Send { permanent, .. } => *permanent,
            SmtpError::Address(_) => true,
            _ => false,
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = self
                .rt
                .block_on(async { tokio::time::timeout(Duration::from_secs(5), c.quit()).await });
        }
    }
}
