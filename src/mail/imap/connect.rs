//! Opening an authenticated IMAP session: TCP with a connect timeout, then TLS (implicit or
//! STARTTLS) with rustls, LOGIN or OAuth2 AUTHENTICATE, CAPABILITY, and ENABLE of CONDSTORE/QRESYNC when offered.

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::{ImapError, ImapStream, Session};
use crate::config::{OAuth2Mechanism, Security, ServerConfig};
use crate::mail::sasl;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// A silent server must not hang a sync forever; IDLE sets its own longer timeout.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// What the server can do, as far as sync cares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub condstore: bool,
    pub qresync: bool,
    pub idle: bool,
    pub uidplus: bool,
}

pub struct Connected {
    pub session: Session,
    pub caps: Capabilities,
    /// A clone of the socket: `shutdown()` on it breaks a blocking IDLE from another thread.
    pub abort: TcpStream,
    pub host: String,
}

/// Connects, authenticates and enables what sync uses.
pub fn connect(account: &str, server: &ServerConfig) -> Result<Connected, ImapError> {
    let host = server.host.clone();
    let tcp = tcp_connect(&server.host, server.port)?;
    let abort = tcp.try_clone().map_err(|source| ImapError::Connect {
        host: host.clone(),
        port: server.port,
        source,
    })?;
    let client = match server.security {
        Security::None => {
            let mut c = imap::Client::new(ImapStream::Plain(tcp));
            c.read_greeting()
                .map_err(|source| protocol(&host, source))?;
            c
        }
        Security::Tls => imap::Client::new(tls_wrap(tcp, server)?),
        Security::Starttls => {
            let tcp = starttls(tcp, server)?;
            imap::Client::new(tls_wrap(tcp, server)?)
        }
    };
    let mut client = client;
    // With implicit TLS the greeting arrives inside the TLS stream.
    if server.security == Security::Tls {
        client
            .read_greeting()
            .map_err(|source| tls_or_protocol(&host, server.port, source))?;
    }
    let mut session = sign_in(client, account, server)?;
    let c = session
        .capabilities()
        .map_err(|source| protocol(&host, source))?;
    let caps = Capabilities {
        condstore: c.has_str("CONDSTORE") || c.has_str("QRESYNC"),
        qresync: c.has_str("QRESYNC") && c.has_str("ENABLE"),
        idle: c.has_str("IDLE"),
        uidplus: c.has_str("UIDPLUS"),
    };
    drop(c);
    if caps.qresync {
        session
            .run_command_and_check_ok("ENABLE QRESYNC")
            .map_err(|source| protocol(&host, source))?;
    } else if caps.condstore && c_has_enable(&mut session) {
        session
            .run_command_and_check_ok("ENABLE CONDSTORE")
            .map_err(|source| protocol(&host, source))?;
    }
    abort
        .set_read_timeout(Some(COMMAND_TIMEOUT))
        .map_err(|source| ImapError::Connect {
            host: host.clone(),
            port: server.port,
            source,
        })?;
    Ok(Connected {
        session,
        caps,
        abort,
        host,
    })
}

/// LOGIN with the password, or AUTHENTICATE with an OAuth2 token. A token the server turns
/// down is fetched again once (the user's helper refreshes an expired one) and tried again
/// on the same connection.
fn sign_in(
    mut client: imap::Client<ImapStream>,
    account: &str,
    server: &ServerConfig,
) -> Result<Session, ImapError> {
    let refused = |e: imap::Error, note: &str| ImapError::Auth {
        host: server.host.clone(),
        user: server.user.clone(),
        message: format!(
            "{}{note}",
            match e {
                imap::Error::No(r) => r.information,
                imap::Error::Bad(r) => r.information,
                other => other.to_string(),
            }
        ),
    };
    let Some(oauth2) = &server.oauth2 else {
        let password = server.resolve_password(account)?.unwrap_or_default();
        return client
            .login(&server.user, &password)
            .map_err(|(e, _)| refused(e, ""));
    };
    let offers_oauthbearer = client
        .capabilities()
        .map(|c| c.has_str("AUTH=OAUTHBEARER"))
        .map_err(|source| protocol(&server.host, source))?;
    let mechanism = sasl::choose(oauth2.mechanism, offers_oauthbearer);
    let mut first_refusal = None;
    for attempt in 0..2 {
        let token = server.fetch_token(account)?.unwrap_or_default();
        let auth = TokenAuth {
            mechanism,
            initial: sasl::initial_response(mechanism, &server.user, &token),
            sent: Cell::new(false),
            challenge: RefCell::new(None),
        };
        match client.authenticate(mechanism.name(), &auth) {
            Ok(session) => {
                if let Some(why) = first_refusal {
                    tracing::info!(account, "{why}; a fresh token was taken");
                }
                return Ok(session);
            }
            Err((e @ imap::Error::No(_), back)) => {
                let why = auth
                    .challenge
                    .into_inner()
                    .map_or_else(String::new, |c| format!(" ({c})"));
                if attempt == 1 {
                    return Err(refused(
                        e,
                        &format!(
                            "{why}; {} was turned down again after a fresh token was fetched",
                            mechanism.name()
                        ),
                    ));
                }
                first_refusal = Some(format!("the server turned down the token{why}"));
                client = back;
            }
            Err((e, _)) => return Err(refused(e, &format!(" ({})", mechanism.name()))),
        }
    }
    Err(ImapError::Auth {
        host: server.host.clone(),
        user: server.user.clone(),
        message: "no token was accepted".into(),
    })
}

/// One AUTHENTICATE exchange: the initial response to the server's empty challenge; an
/// error challenge after it is kept for the message and answered so the server replies NO.
struct TokenAuth {
    mechanism: OAuth2Mechanism,
    initial: String,
    sent: Cell<bool>,
    challenge: RefCell<Option<String>>,
}

impl imap::Authenticator for TokenAuth {
    type Response = Vec<u8>;

    fn process(&self, challenge: &[u8]) -> Vec<u8> {
        if !self.sent.replace(true) {
            return self.initial.as_bytes().to_vec();
        }
        *self.challenge.borrow_mut() =
            Some(sasl::describe_challenge(challenge).unwrap_or_else(|| "no reason given".into()));
        self.mechanism.abort_response().to_vec()
    }
}

fn c_has_enable(session: &mut Session) -> bool {
    session
        .capabilities()
        .map(|c| c.has_str("ENABLE"))
        .unwrap_or(false)
}

fn protocol(host: &str, source: imap::Error) -> ImapError {
    ImapError::Protocol {
        host: host.to_string(),
        source: Box::new(source),
    }
}

/// A failure while reading the first bytes over TLS is nearly always the handshake.
fn tls_or_protocol(host: &str, port: u16, source: imap::Error) -> ImapError {
    if let imap::Error::Io(io) = &source
        && let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return ImapError::Tls {
            host: host.to_string(),
            port,
            message: describe_tls(tls, host),
        };
    }
    protocol(host, source)
}

fn tcp_connect(host: &str, port: u16) -> Result<TcpStream, ImapError> {
    let err = |source| ImapError::Connect {
        host: host.to_string(),
        port,
        source,
    };
    let addrs = (host, port).to_socket_addrs().map_err(err)?;
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address found");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(COMMAND_TIMEOUT)).map_err(err)?;
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(err(last))
}

/// Sends STARTTLS on the plain connection and returns it ready for the TLS handshake.
fn starttls(mut tcp: TcpStream, server: &ServerConfig) -> Result<TcpStream, ImapError> {
    let fail = |message: String| ImapError::Tls {
        host: server.host.clone(),
        port: server.port,
        message,
    };
    let greeting = read_line(&mut tcp).map_err(|e| fail(format!("reading greeting: {e}")))?;
    if !greeting.starts_with("* OK") && !greeting.starts_with("* PREAUTH") {
        return Err(fail(format!("unexpected greeting: {}", greeting.trim())));
    }
    tcp.write_all(b"s0 STARTTLS\r\n")
        .map_err(|e| fail(e.to_string()))?;
    loop {
        let line = read_line(&mut tcp).map_err(|e| fail(e.to_string()))?;
        if let Some(rest) = line.strip_prefix("s0 ") {
            if rest.starts_with("OK") {
                return Ok(tcp);
            }
            return Err(fail(format!("server refused STARTTLS: {}", rest.trim())));
        }
    }
}

/// One CRLF-terminated line, read byte by byte so nothing of the TLS handshake is consumed.
fn read_line(tcp: &mut TcpStream) -> std::io::Result<String> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while line.len() < 8192 {
        if tcp.read(&mut b)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        line.push(b[0]);
        if b[0] == b'\n' {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

fn tls_wrap(mut tcp: TcpStream, server: &ServerConfig) -> Result<ImapStream, ImapError> {
    let config = client_config(server)?;
    let name = ServerName::try_from(server.host.clone()).map_err(|e| ImapError::Tls {
        host: server.host.clone(),
        port: server.port,
        message: format!("'{}' is not a valid TLS server name: {e}", server.host),
    })?;
    let mut conn = ClientConnection::new(Arc::new(config), name).map_err(|e| ImapError::Tls {
        host: server.host.clone(),
        port: server.port,
        message: e.to_string(),
    })?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            let message = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(tls) => describe_tls(tls, &server.host),
                None => e.to_string(),
            };
            return Err(ImapError::Tls {
                host: server.host.clone(),
                port: server.port,
                message,
            });
        }
    }
    Ok(ImapStream::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

/// rustls settings shared by IMAP and SMTP: bundled web roots plus the account's `ca_file`.
pub fn client_config(server: &ServerConfig) -> Result<ClientConfig, ImapError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &server.ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| ImapError::Tls {
                host: server.host.clone(),
                port: server.port,
                message: format!("ca_file {}: {e}", path.display()),
            })?;
        for c in certs {
            roots.add(c).map_err(|e| ImapError::Tls {
                host: server.host.clone(),
                port: server.port,
                message: format!("ca_file {}: {e}", path.display()),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls {
            host: server.host.clone(),
            port: server.port,
            message: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn describe_tls(e: &rustls::Error, host: &str) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            format!("the server's certificate is not valid for the name '{host}'")
        }
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "the server's certificate is signed by an unknown authority (trust it with ca_file)"
                .to_string()
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "the server's certificate has expired".to_string()
        }
        other if other.to_string().contains("CaUsedAsEndEntity") => {
            "the server presents a CA certificate as its own (a self-signed certificate made \
             with CA:TRUE); point ca_file at the CA that signed it, or reissue the server's \
             certificate"
                .to_string()
        }
        other => other.to_string(),
    }
}
