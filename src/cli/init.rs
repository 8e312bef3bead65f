//! `shopdesk init`: a first config. Flags give the values; on a terminal what they leave
//! out is asked for, offering a known provider's servers (`config::providers`); without
//! one a missing value is a usage error, so scripts never hang on a prompt. Both logins
//! are tested before anything is written, and the file (`config::render`) is created
//! readable by its owner only. It points at a password (a command or a variable), or at
//! a command that prints an OAuth2 token, and never holds either.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::{Context, UsageError};
use crate::config::providers::{self, Endpoint, Provider};
use crate::config::render::{NewConfig, NewServer, render};
use crate::config::{Config, OAuth2Config, PasswordSource, Security, ServerConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shop's address, e.g. support@example.com
    #[arg(long, value_name = "ADDR")]
    email: Option<String>,
    /// The account's name in shopdesk [default: from the address]
    #[arg(long)]
    name: Option<String>,
    /// IMAP server [default: the provider's, for well-known addresses]
    #[arg(long, value_name = "HOST[:PORT]")]
    imap: Option<String>,
    /// SMTP server [default: the provider's, for well-known addresses]
    #[arg(long, value_name = "HOST[:PORT]")]
    smtp: Option<String>,
    /// Security for both servers: tls, starttls or none (none only on a trusted network)
    #[arg(long, value_name = "MODE", value_parser = parse_security)]
    security: Option<Security>,
    /// Login name on both servers [default: the address]
    #[arg(long)]
    user: Option<String>,
    /// A command that prints the password, e.g. "pass show shop/mail"
    #[arg(long, value_name = "CMD", conflicts_with = "password_env")]
    password_cmd: Option<String>,
    /// An environment variable that holds the password
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Sign in with OAuth2 (Microsoft 365, Gmail): a command that prints an access token,
    /// e.g. "oama access shop@example.com"
    #[arg(long, value_name = "CMD", conflicts_with_all = ["password_cmd", "password_env"])]
    oauth2_token_cmd: Option<String>,
    /// Trust this CA certificate (PEM) besides the web roots, for servers with a private one
    #[arg(long, value_name = "FILE")]
    ca_file: Option<std::path::PathBuf>,
    /// Write the config without testing the logins
    #[arg(long)]
    no_check: bool,
    /// Replace an existing config file
    #[arg(long)]
    force: bool,
}

fn parse_security(s: &str) -> Result<Security, String> {
    match s.to_ascii_lowercase().as_str() {
        "tls" => Ok(Security::Tls),
        "starttls" => Ok(Security::Starttls),
        "none" => Ok(Security::None),
        _ => Err("expected one of tls, starttls, none".into()),
    }
}

/// `host`, `host:port` or `[v6]:port`; the port is `None` when not written.
fn parse_host_port(s: &str) -> Result<(String, Option<u16>), String> {
    let s = s.trim();
    let bad = || format!("'{s}' is not HOST or HOST:PORT");
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        match after {
            "" => (host, None),
            p => (host, Some(p.strip_prefix(':').ok_or_else(bad)?)),
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) if !p.contains(':') => (h, Some(p)),
            Some(_) => (s, None), // a bare IPv6 address
            None => (s, None),
        }
    };
    if host.is_empty() || host.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let port = port
        .map(|p| p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad))
        .transpose()?;
    Ok((host.to_string(), port))
}

/// The well-known ports say which security they speak; anything else is taken as TLS.
fn security_for_port(port: u16) -> Security {
    match port {
        143 | 587 | 25 => Security::Starttls,
        _ => Security::Tls,
    }
}

/// One server from what was given: the typed host (and port), the --security flag, and
/// the provider's default. `None` when there is no host at all. `ports` are the defaults
/// for TLS and for the others (993/143 for IMAP, 465/587 for SMTP).
fn choose(
    typed: Option<(String, Option<u16>)>,
    security: Option<Security>,
    default: Option<Endpoint>,
    ports: (u16, u16),
) -> Option<NewServer> {
    let port_for = |s: Security| if s == Security::Tls { ports.0 } else { ports.1 };
    let (host, port) = match typed {
        Some(t) => t,
        None => {
            let d = default?;
            // The provider's port fits its security; another security gets its own port.
            let port = security.filter(|s| *s != d.security).map(port_for);
            (d.host.to_string(), port.or(Some(d.port)))
        }
    };
    let provider_security = default
        .filter(|d| d.host.eq_ignore_ascii_case(&host))
        .map(|d| d.security);
    let security = security
        .or(provider_security)
        .or(port.map(security_for_port))
        .unwrap_or(Security::Tls);
    Some(NewServer {
        port: port.unwrap_or_else(|| port_for(security)),
        host,
        security,
    })
}

/// Asks on the terminal when there is one; otherwise the flag is required.
struct Asker {
    interactive: bool,
}

impl Asker {
    /// The answer, or `default` on an empty line. Without a terminal: `default`, or a
    /// usage error naming the flag.
    fn ask(&self, question: &str, default: Option<&str>, flag: &str) -> anyhow::Result<String> {
        if !self.interactive {
            return default.map(str::to_string).ok_or_else(|| {
                UsageError(format!("{flag} is needed (there is no terminal to ask on)")).into()
            });
        }
        loop {
            let mut err = std::io::stderr();
            match default {
                Some(d) => write!(err, "{question} [{d}]: ")?,
                None => write!(err, "{question}: ")?,
            }
            err.flush()?;
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line)? == 0 {
                anyhow::bail!(UsageError(format!("no answer for {flag}")));
            }
            match (line.trim(), default) {
                ("", Some(d)) => return Ok(d.to_string()),
                ("", None) => {}
                (answer, _) => return Ok(answer.to_string()),
            }
        }
    }
}

/// A default account name: the shop's domain for its own address, the mailbox's name
/// for an address at a provider.
fn default_name(email: &str, provider: Option<&Provider>) -> String {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let raw = if provider.is_some() {
        local
    } else {
        domain
            .split('.')
            .next()
            .filter(|l| !l.is_empty())
            .unwrap_or(local)
    };
    let name: String = raw
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if name.is_empty() {
        "shop".into()
    } else {
        name.to_lowercase()
    }
}

/// A `--imap`/`--smtp` value (or the answer to its question), read.
fn typed_server(typed: Option<&str>, which: &str) -> anyhow::Result<Option<(String, Option<u16>)>> {
    typed
        .map(|t| parse_host_port(t).map_err(|e| UsageError(format!("--{which}: {e}")).into()))
        .transpose()
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let path = ctx.config_path().to_path_buf();
    if path.exists() && !args.force {
        anyhow::bail!(
            "{} exists; edit it, or pass --force to replace it",
            path.display()
        );
    }
    let asker = Asker {
        interactive: std::io::stdin().is_terminal(),
    };
    let mut email = args.email.as_deref().map(str::trim).map(str::to_string);
    let email = loop {
        let e = match email.take() {
            Some(e) => e,
            None => asker.ask("The shop's email address", None, "--email ADDR")?,
        };
        if e.parse::<lettre::Address>().is_ok() {
            break e;
        }
        // A typo at the prompt is asked again; a flag's is the script's to fix.
        if !asker.interactive || args.email.is_some() {
            anyhow::bail!(UsageError(format!("'{e}' is not an email address")));
        }
        eprintln!("'{e}' is not an email address");
    };
    let provider = providers::for_address(&email);
    if let Some(p) = provider
        && asker.interactive
    {
        eprintln!("{}", p.notes);
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None => asker.ask(
            "A short name for this account",
            Some(&default_name(&email, provider)),
            "--name NAME",
        )?,
    };
    let mut servers = Vec::new();
    for (which, typed, default, ports) in [
        ("imap", &args.imap, provider.map(|p| p.imap), (993, 143)),
        ("smtp", &args.smtp, provider.map(|p| p.smtp), (465, 587)),
    ] {
        let mut typed = typed_server(typed.as_deref(), which)?;
        // On a terminal the provider's server is offered; without one it is taken.
        if typed.is_none() && (default.is_none() || asker.interactive) {
            let offered = default.map(|d| format!("{}:{}", d.host, d.port));
            let answer = asker.ask(
                &format!(
                    "{} server (HOST or HOST:PORT; the port says TLS or STARTTLS)",
                    which.to_uppercase()
                ),
                offered.as_deref(),
                &format!("--{which} HOST[:PORT]"),
            )?;
            typed = typed_server(Some(&answer), which)?;
        }
        let chosen = choose(typed, args.security, default, ports)
            .ok_or_else(|| UsageError(format!("--{which} HOST[:PORT] is needed")))?;
        servers.push(chosen);
    }
    let (Some(smtp), Some(imap)) = (servers.pop(), servers.pop()) else {
        anyhow::bail!("no servers chosen");
    };
    let (password, oauth2_token_cmd) = sign_in(&asker, &args, &email, provider)?;
    // Absolute, as the config is read from wherever shopdesk is started.
    let ca_file = match &args.ca_file {
        Some(f) => Some(
            std::path::absolute(f)?
                .to_str()
                .ok_or_else(|| UsageError("--ca-file: the path is not UTF-8".into()))?
                .to_string(),
        ),
        None => None,
    };
    let mut new = NewConfig {
        ca_file,
        agent: std::env::var("USER").unwrap_or_else(|_| "me".into()),
        user: args.user.clone().unwrap_or_else(|| email.clone()),
        name,
        email,
        password,
        imap,
        smtp,
        // Written only when the check finds it: without the key, every run asks the server
        // for its \Sent mailbox, so `[Gmail]/Sent Mail` and localised names work.
        sent_folder: None,
        save_sent: provider.is_none_or(|p| p.save_sent),
        oauth2_token_cmd,
        notes: provider.map(|p| p.notes.to_string()),
    };
    // What the values make must load as any config does (an empty name, say, would not),
    // before a server is asked anything.
    Config::parse(&render(&new), &path).map_err(|e| {
        UsageError(format!(
            "these values make a config that does not load: {e}"
        ))
    })?;
    if !args.no_check {
        check(&mut new, provider)?;
    }
    write_private(&path, &render(&new), args.force)?;
    eprintln!(
        "wrote {}\nnext: `shopdesk sync` fetches the mail, then `shopdesk` opens the console",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn server_config(new: &NewConfig, s: &NewServer) -> ServerConfig {
    ServerConfig {
        host: s.host.clone(),
        port: s.port,
        security: s.security,
        user: new.user.clone(),
        password: new.password.clone(),
        ca_file: new.ca_file.as_ref().map(std::path::PathBuf::from),
        oauth2: new.oauth2_token_cmd.as_ref().map(|cmd| OAuth2Config {
            token_cmd: cmd.clone(),
            mechanism: None,
        }),
    }
}

/// How the account signs in: a password source, or an OAuth2 token command (with no
/// password). Asked on a terminal, offering OAuth2 first where the provider wants it.
fn sign_in(
    asker: &Asker,
    args: &Args,
    email: &str,
    provider: Option<&Provider>,
) -> anyhow::Result<(PasswordSource, Option<String>)> {
    match (
        &args.oauth2_token_cmd,
        &args.password_cmd,
        &args.password_env,
    ) {
        (Some(cmd), _, _) => return Ok((PasswordSource::None, Some(cmd.clone()))),
        (None, Some(cmd), _) => return Ok((PasswordSource::Command(cmd.clone()), None)),
        (None, None, Some(var)) => return Ok((PasswordSource::Env(var.clone()), None)),
        (None, None, None) => {}
    }
    let flags = "--oauth2-token-cmd CMD, --password-cmd CMD or --password-env VAR";
    if provider.is_some_and(|p| p.oauth2_first) {
        let answer = asker.ask(
            &format!(
                "A command that prints an OAuth2 access token (e.g. `oama access {email}`), \
                 or `password` to sign in with a password"
            ),
            None,
            flags,
        )?;
        if !answer.eq_ignore_ascii_case("password") {
            return Ok((PasswordSource::None, Some(answer)));
        }
    }
    let answer = asker.ask(
        "A command that prints the password (e.g. `pass show shop/mail`), or $VAR \
         for an environment variable",
        None,
        flags,
    )?;
    Ok(match answer.strip_prefix('$') {
        Some(var) => (PasswordSource::Env(var.to_string()), None),
        None => (PasswordSource::Command(answer), None),
    })
}

/// Logs in to both servers and says which failed and why; learns the Sent folder on the way.
fn check(new: &mut NewConfig, provider: Option<&Provider>) -> anyhow::Result<()> {
    let mut failed = Vec::new();
    let imap = server_config(new, &new.imap);
    eprint!("IMAP {}:{} ({}) … ", imap.host, imap.port, imap.security);
    match crate::mail::imap::connect(&new.name, &imap) {
        Ok(mut c) => {
            let sent = crate::config::SentFolder::Discovered(Default::default());
            crate::mail::imap::special_use::discover_sent(&mut c.session, &sent);
            if let crate::config::SentFolder::Discovered(found) = &sent
                && let Some(name) = found.get()
            {
                new.sent_folder = Some(name.clone());
            }
            let _ = c.session.logout();
            eprintln!("logged in");
        }
        Err(e) => {
            eprintln!("failed");
            failed.push(format!("IMAP: {e}"));
        }
    }
    let smtp = server_config(new, &new.smtp);
    eprint!("SMTP {}:{} ({}) … ", smtp.host, smtp.port, smtp.security);
    match crate::mail::smtp::Smtp::new(&new.name, &smtp).and_then(|mut s| s.check()) {
        Ok(()) => eprintln!("logged in"),
        Err(e) => {
            eprintln!("failed");
            failed.push(format!("SMTP: {e}"));
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    // One line per server, so each failure reads on its own.
    let mut msg = String::from("nothing written, the login check failed");
    for f in &failed {
        msg.push_str(&format!("\n  {f}"));
    }
    if let Some(p) = provider {
        msg.push_str(&format!("\n  hint: {}", p.notes));
    }
    msg.push_str("\n  (--no-check writes the config untested)");
    anyhow::bail!(msg)
}

/// Writes `text` to `path` with mode 0600 from the first byte: a temporary file in the
/// same folder (created 0600) renamed into place, so a crash leaves the old file or the
/// new one, and without `force` an existing file is never replaced, even one that
/// appeared meanwhile.
fn write_private(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("writing in {}", dir.display()))?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    let persisted = if force {
        tmp.persist(path).map(drop)
    } else {
        tmp.persist_noclobber(path).map(drop)
    };
    persisted
        .map_err(|e| e.error)
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_are_read_from_one_word() {
        type Parsed = Result<(&'static str, Option<u16>), ()>;
        #[rustfmt::skip]
        let cases: &[(&str, Parsed)] = &[
            ("imap.example.com", Ok(("imap.example.com", None))),
            ("imap.example.com:993", Ok(("imap.example.com", Some(993)))),
            (" 127.0.0.1:10143 ", Ok(("127.0.0.1", Some(10143)))),
            ("[::1]:143", Ok(("::1", Some(143)))),
            ("[::1]", Ok(("::1", None))),
            ("::1", Ok(("::1", None))),
            ("host:0", Err(())),
            ("host:99999", Err(())),
            ("host:imap", Err(())),
            (":993", Err(())),
            ("", Err(())),
            ("a b:1", Err(())),
            ("[::1]143", Err(())),
        ];
        for (input, want) in cases {
            let got = parse_host_port(input);
            let got = got.as_ref().map(|(h, p)| (h.as_str(), *p)).map_err(|_| ());
            assert_eq!(got, *want, "{input:?}");
        }
    }

    #[test]
    fn servers_come_from_flags_then_the_provider() {
        let gmail = Some(Endpoint {
            host: "smtp.gmail.com",
            port: 465,
            security: Security::Tls,
        });
        let typed = |h: &str, p: Option<u16>| Some((h.to_string(), p));
        type Typed = Option<(String, Option<u16>)>;
        type Chosen = Option<(&'static str, u16, Security)>;
        #[rustfmt::skip]
        let cases: &[(Typed, Option<Security>, Option<Endpoint>, Chosen)] = &[
            // nothing typed: the provider's, or nothing at all
            (None, None, gmail, Some(("smtp.gmail.com", 465, Security::Tls))),
            (None, Some(Security::Starttls), gmail, Some(("smtp.gmail.com", 587, Security::Starttls))),
            (None, None, None, None),
            // a host typed: its port, else the security's port
            (typed("mail.shop.test", None), None, None, Some(("mail.shop.test", 465, Security::Tls))),
            (typed("mail.shop.test", Some(587)), None, None, Some(("mail.shop.test", 587, Security::Starttls))),
            (typed("127.0.0.1", Some(10025)), Some(Security::None), None, Some(("127.0.0.1", 10025, Security::None))),
            (typed("127.0.0.1", None), Some(Security::None), None, Some(("127.0.0.1", 587, Security::None))),
            // the provider's host typed with a port keeps the provider's security
            (typed("smtp.gmail.com", Some(465)), None, gmail, Some(("smtp.gmail.com", 465, Security::Tls))),
            // another host than the provider's: nothing assumed from the provider
            (typed("relay.shop.test", Some(2525)), None, gmail, Some(("relay.shop.test", 2525, Security::Tls))),
        ];
        for (t, sec, default, want) in cases {
            let got = choose(t.clone(), *sec, *default, (465, 587));
            let got = got.as_ref().map(|s| (s.host.as_str(), s.port, s.security));
            assert_eq!(got, *want, "{t:?} {sec:?} {default:?}");
        }
    }

    #[test]
    fn account_names_default_from_the_address() {
        let gmail = providers::for_address("a@gmail.com");
        let cases = [
            ("support@nordic-boots.se", None, "nordic-boots"),
            ("Nordic.Boots@gmail.com", gmail, "nordicboots"),
            ("x@.", None, "x"),
            ("@@", None, "shop"),
        ];
        for (email, provider, want) in cases {
            assert_eq!(default_name(email, provider), want, "{email}");
        }
    }

    #[test]
    fn security_names_parse() {
        assert_eq!(parse_security("TLS"), Ok(Security::Tls));
        assert_eq!(parse_security("starttls"), Ok(Security::Starttls));
        assert_eq!(parse_security("none"), Ok(Security::None));
        assert!(parse_security("ssl").is_err());
    }
}
