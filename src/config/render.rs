//! A new config file as text: the values `shopdesk init` settled on, and comments that
//! explain the keys left at their defaults. Pure; the caller writes the file. The text must
//! load with [`Config::parse`](super::Config::parse), and so must every commented-out key
//! once uncommented (both tested), so a user who edits it starts from valid lines.

use super::{PasswordSource, Security};

/// One server as chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// Everything `init` decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConfig {
    pub agent: String,
    pub name: String,
    pub email: String,
    /// The login name on both servers.
    pub user: String,
    /// Never `Plain`: a new config points at the password, it does not hold it.
    pub password: PasswordSource,
    pub imap: NewServer,
    pub smtp: NewServer,
    /// None: left out, so the server's \Sent mailbox (SPECIAL-USE) is found at each run.
    pub sent_folder: Option<String>,
    pub save_sent: bool,
    /// Sign in with the token this command prints instead of a password.
    pub oauth2_token_cmd: Option<String>,
    /// A private CA to trust on both servers.
    pub ca_file: Option<String>,
    /// The provider's advice, as a comment above the servers.
    pub notes: Option<String>,
}

/// TOML string literal for any text (quotes, backslashes, control characters escaped).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `key = value` padded so comments line up as in the README's example.
fn line(out: &mut String, key_value: &str, comment: &str) {
    if comment.is_empty() {
        out.push_str(key_value);
    } else {
        out.push_str(&format!("{key_value:<36} # {comment}"));
    }
    out.push('\n');
}

fn server(out: &mut String, table: &str, s: &NewServer, c: &NewConfig) {
    out.push_str(&format!("[accounts.{table}]\n"));
    line(out, &format!("host = {}", quote(&s.host)), "");
    line(out, &format!("port = {}", s.port), "");
    line(
        out,
        &format!("security = {}", quote(&s.security.to_string())),
        "none | starttls | tls",
    );
    line(out, &format!("user = {}", quote(&c.user)), "");
    if let Some(cmd) = &c.oauth2_token_cmd {
        line(
            out,
            &format!("oauth2_token_cmd = {}", quote(cmd)),
            "prints an OAuth2 access token",
        );
    } else {
        match &c.password {
            PasswordSource::Command(cmd) => line(
                out,
                &format!("password_cmd = {}", quote(cmd)),
                "prints the password; or password_env = \"VAR\"",
            ),
            PasswordSource::Env(var) => line(
                out,
                &format!("password_env = {}", quote(var)),
                "or password_cmd = \"pass show shop/mail\"",
            ),
            // Not produced by init; kept out of the file rather than written in the clear.
            PasswordSource::Plain(_) | PasswordSource::None => line(
                out,
                "# password_cmd = \"pass show shop/mail\"",
                "or password_env = \"VAR\"",
            ),
        }
    }
    let ca = c.ca_file.as_ref().map_or_else(
        || "# ca_file = \"/etc/ssl/shop-ca.pem\"".to_string(),
        |f| format!("ca_file = {}", quote(f)),
    );
    line(out, &ca, "trust a private CA besides the web roots");
    out.push('\n');
}

/// Lines of at most `width` characters, broken between words (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut cur = String::new();
        for word in para.split_whitespace() {
            if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut cur));
            }
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        lines.push(cur);
    }
    lines
}

/// The config file's text.
pub fn render(c: &NewConfig) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# shopdesk configuration for {}, written by `shopdesk init`.\n\
         # Every key is described in the README (\"Install and configure\"). Commented-out\n\
         # lines show optional keys with an example value: remove the `# ` to use one.\n\n",
        c.email.replace('\n', " ")
    ));
    line(
        &mut out,
        &format!("agent = {}", quote(&c.agent)),
        "who you are, for owner:me",
    );
    out.push('\n');
    out.push_str("# [shop]\n");
    line(
        &mut out,
        "# name = \"Example Shop\"",
        "the console's title; shop.name in templates",
    );
    line(
        &mut out,
        "# return_address = \"Returns, 1 Example Street, 12345 Town\"",
        "",
    );
    line(
        &mut out,
        "# default_language = \"en\"",
        "templates' fallback language",
    );
    out.push('\n');
    out.push_str("# [sla]\n");
    line(
        &mut out,
        "# first_response = \"4h\"",
        "business time, for is:breaching",
    );
    line(
        &mut out,
        "# days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]",
        "",
    );
    line(&mut out, "# open = \"09:00\"", "");
    line(&mut out, "# close = \"17:00\"", "");
    line(&mut out, "# utc_offset = \"+01:00\"", "");
    out.push('\n');
    out.push_str("[[accounts]]\n");
    line(&mut out, &format!("name = {}", quote(&c.name)), "");
    line(&mut out, &format!("email = {}", quote(&c.email)), "");
    line(
        &mut out,
        "# aliases = [\"info@example.test\"]",
        "more of the shop's addresses: their mail is outgoing",
    );
    line(
        &mut out,
        "# ticket_tag = \"SHOP\"",
        "[SHOP #123] in subjects; default: the name, upper-cased",
    );
    line(&mut out, "folders = [\"INBOX\"]", "synced into tickets");
    match &c.sent_folder {
        Some(f) => line(
            &mut out,
            &format!("sent_folder = {}", quote(f)),
            "also synced, so replies sent elsewhere join tickets",
        ),
        None => line(
            &mut out,
            "# sent_folder = \"Sent\"",
            "default: the server's \\Sent mailbox (SPECIAL-USE)",
        ),
    }
    line(
        &mut out,
        &format!("save_sent = {}", c.save_sent),
        if c.save_sent {
            "file a copy of each reply in sent_folder"
        } else {
            "the server files its own copy of what it sends"
        },
    );
    line(
        &mut out,
        "# signature = \"The Example Shop team\"",
        "after `-- ` in every reply",
    );
    line(
        &mut out,
        "# max_per_minute = 20",
        "the SMTP server's sending limit",
    );
    out.push('\n');
    if let Some(notes) = &c.notes {
        for l in wrap(notes, 86) {
            out.push_str(&format!("# {l}\n"));
        }
    }
    server(&mut out, "imap", &c.imap, c);
    server(&mut out, "smtp", &c.smtp, c);
    out.push_str("# [accounts.auto_ack]\n");
    line(
        &mut out,
        "# enabled = true",
        "answer each new ticket with the `ack` template",
    );
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    fn sample() -> NewConfig {
        NewConfig {
            agent: "alice".into(),
            name: "shop".into(),
            email: "shop@gmail.com".into(),
            user: "shop@gmail.com".into(),
            password: PasswordSource::Command("pass show \"shop/gmail\" \\ x".into()),
            imap: NewServer {
                host: "imap.gmail.com".into(),
                port: 993,
                security: Security::Tls,
            },
            smtp: NewServer {
                host: "smtp.gmail.com".into(),
                port: 587,
                security: Security::Starttls,
            },
            sent_folder: Some("[Gmail]/Sent Mail".into()),
            save_sent: false,
            oauth2_token_cmd: None,
            ca_file: None,
            notes: Some("Gmail: an app password\nsecond line".into()),
        }
    }

    #[test]
    fn the_written_text_loads_with_the_chosen_values() {
        let cases = [
            sample(),
            NewConfig {
                password: PasswordSource::Env("SHOP_PW".into()),
                notes: None,
                save_sent: true,
                sent_folder: Some("Отправленные".into()),
                ca_file: Some("/etc/ssl/shop \"ca\".pem".into()),
                ..sample()
            },
            // A token instead of a password; the Sent folder left to discovery.
            NewConfig {
                password: PasswordSource::None,
                oauth2_token_cmd: Some("oama access shop@gmail.com".into()),
                sent_folder: None,
                ..sample()
            },
        ];
        for c in cases {
            let text = render(&c);
            let cfg = Config::parse(&text, Path::new("config.toml"))
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(cfg.agent, c.agent);
            let a = &cfg.accounts[0];
            assert_eq!(
                (a.name.as_str(), a.email.as_str()),
                ("shop", "shop@gmail.com")
            );
            match &c.sent_folder {
                Some(f) => assert_eq!(a.sent_folder, crate::config::SentFolder::Named(f.clone())),
                None => assert!(
                    matches!(a.sent_folder, crate::config::SentFolder::Discovered(_)),
                    "{text}"
                ),
            }
            assert_eq!(a.save_sent, c.save_sent);
            assert_eq!(a.folders, vec!["INBOX".to_string()]);
            for (got, want) in [(Some(&a.imap), &c.imap), (a.smtp.as_ref(), &c.smtp)] {
                let got = got.expect("server written");
                assert_eq!(
                    (got.host.as_str(), got.port, got.security),
                    (want.host.as_str(), want.port, want.security)
                );
                assert_eq!(got.user, c.user);
                assert_eq!(got.password, c.password);
                assert_eq!(
                    got.oauth2.as_ref().map(|o| o.token_cmd.as_str()),
                    c.oauth2_token_cmd.as_deref()
                );
                assert_eq!(
                    got.ca_file,
                    c.ca_file.as_ref().map(std::path::PathBuf::from)
                );
            }
        }
    }

    #[test]
    fn every_commented_key_is_valid_once_uncommented() {
        let text = render(&sample());
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest.split_once(" = ").is_some_and(|(k, _)| {
                            k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        }) =>
                {
                    rest
                }
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(uncommented.contains("\n[shop]\n"), "{uncommented}");
        assert!(uncommented.contains("\nca_file = "), "{uncommented}");
        let cfg = Config::parse(&uncommented, Path::new("config.toml"))
            .unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert!(cfg.accounts[0].auto_ack.enabled);
        assert_eq!(cfg.shop.name.as_deref(), Some("Example Shop"));
    }

    #[test]
    fn notes_wrap_between_words() {
        let cases: &[(&str, usize, &[&str])] = &[
            ("a bb ccc", 4, &["a bb", "ccc"]),
            ("a bb ccc", 80, &["a bb ccc"]),
            ("averylongword x", 4, &["averylongword", "x"]),
            ("one\ntwo", 80, &["one", "two"]),
        ];
        for (text, width, want) in cases {
            assert_eq!(wrap(text, *width), *want, "{text:?}");
        }
    }

    #[test]
    fn a_plain_password_is_never_written() {
        let c = NewConfig {
            password: PasswordSource::Plain("hunter2".into()),
            ..sample()
        };
        assert!(!render(&c).contains("hunter2"));
    }
}
