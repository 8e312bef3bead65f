//! Config parsing and validation, table by table.

use super::*;

const GOOD: &str = r#"
agent = "alice"
[[accounts]]
name = "shop"
email = "Support@Example.test"
folders = ["INBOX"]
sent_folder = "Sent"
[accounts.imap]
host = "127.0.0.1"
port = 10143
security = "none"
user = "support@example.test"
password_env = "SHOPDESK_TEST_PW"
[accounts.smtp]
host = "127.0.0.1"
port = 10025
security = "none"
[accounts.auto_ack]
enabled = true
template = "ack"
"#;

fn parse(s: &str) -> Result<Config, ConfigError> {
    Config::parse(s, Path::new("config.toml"))
}

#[test]
fn parses_the_documented_example() {
    let c = parse(GOOD).expect("valid");
    assert_eq!(c.agent, "alice");
    let a = &c.accounts[0];
    assert_eq!(a.email, "support@example.test");
    assert_eq!(a.ticket_tag, "SHOP");
    assert_eq!(a.imap.security, Security::None);
    assert_eq!(
        a.imap.password,
        PasswordSource::Env("SHOPDESK_TEST_PW".into())
    );
    assert_eq!(a.smtp.as_ref().map(|s| s.port), Some(10025));
    assert!(a.auto_ack.enabled);
    assert!(a.is_own_address("SUPPORT@example.test"));
}

#[test]
fn syntax_error_names_line_and_column() {
    let err = parse("agent = \"a\"\n[[accounts]]\nname = shop\n").expect_err("bad");
    let msg = err.to_string();
    assert!(msg.starts_with("config.toml:3:8:"), "{msg}");
}

#[test]
fn unknown_key_names_the_key_and_valid_ones() {
    let bad = GOOD.replace("security = \"none\"\nuser", "securty = \"none\"\nuser");
    let msg = parse(&bad).expect_err("bad").to_string();
    assert!(msg.contains("securty"), "{msg}");
    assert!(msg.contains("security"), "lists valid keys: {msg}");
    assert!(msg.starts_with("config.toml:"), "{msg}");
}

#[test]
fn bad_enum_value_lists_choices() {
    let bad = GOOD.replacen("security = \"none\"", "security = \"ssl\"", 1);
    let msg = parse(&bad).expect_err("bad").to_string();
    assert!(
        msg.contains("none") && msg.contains("starttls") && msg.contains("tls"),
        "{msg}"
    );
}

#[test]
fn two_password_sources_rejected() {
    let bad = GOOD.replacen(
        "password_env = \"SHOPDESK_TEST_PW\"",
        "password_env = \"X\"\npassword = \"y\"",
        1,
    );
    let msg = parse(&bad).expect_err("bad").to_string();
    assert!(msg.contains("accounts[0].imap"), "{msg}");
}

#[test]
fn default_tag_is_derived_from_name() {
    assert_eq!(default_tag("my shop"), "MY-SHOP");
    assert_eq!(default_tag("Ølbutikk"), "LBUTIKK");
    assert_eq!(default_tag("!!"), "TICKET");
}

#[test]
fn password_cmd_first_line_and_failure() {
    let s = ServerConfig {
        host: "h".into(),
        port: 1,
        security: Security::None,
        user: "u".into(),
        password: PasswordSource::Command("printf 'pw1\\nrest'".into()),
        oauth2: None,
        ca_file: None,
    };
    assert_eq!(s.resolve_password("a").expect("ok"), Some("pw1".into()));
    let s = ServerConfig {
        password: PasswordSource::Command("echo 'bad passphrase hunter2' >&2; exit 3".into()),
        ..s
    };
    let msg = s.resolve_password("shop").expect_err("fails").to_string();
    assert_eq!(
        msg,
        "password_cmd for account 'shop' failed (exit 3); run it in a shell to see why"
    );
    let s = ServerConfig {
        password: PasswordSource::Command("echo hunter2 >&2; kill -9 $$".into()),
        ..s
    };
    let msg = s.resolve_password("shop").expect_err("fails").to_string();
    assert!(msg.contains("(killed by signal 9)"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[test]
fn oauth2_token_cmd_and_its_mechanism() {
    let text = GOOD.replacen(
        "password_env = \"SHOPDESK_TEST_PW\"",
        "oauth2_token_cmd = \"oama access support@example.test\"\nauth = \"oauthbearer\"",
        1,
    );
    let c = parse(&text).expect("valid");
    let imap = &c.accounts[0].imap;
    assert_eq!(imap.password, PasswordSource::None);
    assert_eq!(
        imap.oauth2,
        Some(OAuth2Config {
            token_cmd: "oama access support@example.test".into(),
            mechanism: Some(OAuth2Mechanism::Oauthbearer),
        })
    );
    assert_eq!(
        c.accounts[0].smtp.as_ref().and_then(|s| s.oauth2.clone()),
        None
    );
}

#[test]
fn oauth2_conflicts_name_file_line_and_key() {
    // (replacement for the password line, expected start of the one-line error)
    let cases = [
        (
            "password_env = \"X\"\noauth2_token_cmd = \"t\"",
            "config.toml:14: accounts[0].imap.oauth2_token_cmd: signs in with a token",
        ),
        (
            "oauth2_token_cmd = \"t\"\npassword = \"p\"",
            "config.toml:13: accounts[0].imap.oauth2_token_cmd: signs in with a token",
        ),
        (
            "password_env = \"X\"\nauth = \"xoauth2\"",
            "config.toml:14: accounts[0].imap.auth: chooses how an OAuth2 token is sent",
        ),
        (
            "oauth2_token_cmd = \"  \"",
            "config.toml:13: accounts[0].imap.oauth2_token_cmd: must not be empty",
        ),
    ];
    for (lines, want) in cases {
        let text = GOOD.replacen("password_env = \"SHOPDESK_TEST_PW\"", lines, 1);
        let msg = parse(&text).expect_err(lines).to_string();
        assert!(msg.starts_with(want), "{lines}: {msg}");
        assert!(!msg.contains('\n'), "one line: {msg}");
    }
    let bad = GOOD.replacen(
        "password_env = \"SHOPDESK_TEST_PW\"",
        "oauth2_token_cmd = \"t\"\nauth = \"bearer\"",
        1,
    );
    let msg = parse(&bad).expect_err("bad mechanism").to_string();
    assert!(
        msg.contains("xoauth2") && msg.contains("oauthbearer"),
        "{msg}"
    );
}

#[test]
fn token_cmd_first_line_and_failures_without_output() {
    let with = |cmd: &str| ServerConfig {
        host: "h".into(),
        port: 1,
        security: Security::None,
        user: "u".into(),
        password: PasswordSource::None,
        oauth2: Some(OAuth2Config {
            token_cmd: cmd.into(),
            mechanism: None,
        }),
        ca_file: None,
    };
    assert_eq!(
        with("printf 'ya29.tok\\nexpires 3600'")
            .fetch_token("a")
            .expect("ok"),
        Some("ya29.tok".into())
    );
    let cases = [
        (
            "echo 'refresh token hunter2 revoked' >&2; exit 4",
            "oauth2_token_cmd for account 'shop' failed (exit 4); run it in a shell to see why",
        ),
        (
            "echo hunter2 >&2; printf '\\n'",
            "oauth2_token_cmd for account 'shop' failed (exit 0, but it printed no token); run it in a shell to see why",
        ),
    ];
    for (cmd, want) in cases {
        let msg = with(cmd).fetch_token("shop").expect_err(cmd).to_string();
        assert_eq!(msg, want);
    }
    let plain = ServerConfig {
        oauth2: None,
        ..with("x")
    };
    assert_eq!(plain.fetch_token("a").expect("no oauth2"), None);
}
