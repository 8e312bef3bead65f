//! `shopdesk init` as a new user or a script runs it: against the test Dovecot and
//! Postfix the written config must carry a real `sync`; a wrong password, a missing value
//! or an existing file must leave nothing behind.

#![allow(clippy::unwrap_used)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use shopdesk::config::{Config, PasswordSource, Security, SentFolder};
use support::messages::customer_mail;
use support::{MailStack, list_json, ok, run, shopdesk, stderr};

const SHOP: &str = support::mailstack::SHOP;

/// `shopdesk init` with the stack's servers and the test password's variable.
fn init(stack: &MailStack, config: &Path, db: &Path) -> Command {
    let mut c = shopdesk(config, db);
    c.arg("init")
        .args(["--email", SHOP, "--name", "shop", "--security", "none"])
        .args(["--imap", &format!("127.0.0.1:{}", stack.imap)])
        .args(["--smtp", &format!("127.0.0.1:{}", stack.smtp)])
        .args(["--password-env", "SHOPDESK_TEST_PASSWORD"]);
    c
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_with_flags_writes_a_private_config_that_sync_uses() {
    let stack = MailStack::start();
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            "anna@example.test",
            "Where is my order?",
            "Order 10023 has not arrived.",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    // a folder that does not exist yet, as on a first run
    let config = dir.path().join("shopdesk/config.toml");
    let db = dir.path().join("shop.db");
    let o = run(&mut init(&stack, &config, &db));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("IMAP 127.0.0.1") && err.contains("logged in"),
        "{err}"
    );
    assert!(
        err.contains("shopdesk sync"),
        "says what to run next: {err}"
    );
    assert_eq!(mode(&config), 0o600);

    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with("# shopdesk configuration"), "{text}");
    assert!(!text.contains(support::mailstack::PASSWORD), "{text}");
    let loaded = Config::load(&config).unwrap();
    let a = &loaded.accounts[0];
    assert_eq!((a.name.as_str(), a.email.as_str()), ("shop", SHOP));
    assert_eq!((a.imap.port, a.imap.security), (stack.imap, Security::None));
    let smtp = a.smtp.as_ref().unwrap();
    assert_eq!((smtp.port, smtp.security), (stack.smtp, Security::None));
    assert_eq!(
        smtp.password,
        PasswordSource::Env("SHOPDESK_TEST_PASSWORD".into())
    );

    ok(shopdesk(&config, &db).arg("sync"));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["subject"], "Where is my order?");
}

#[test]
fn a_wrong_password_fails_the_check_and_writes_nothing() {
    let stack = MailStack::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("shop.db");
    let o = run(init(&stack, &config, &db).env("SHOPDESK_TEST_PASSWORD", "wrong"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // which server failed, and the server's own reason
    assert!(err.contains("the login check failed"), "{err}");
    assert!(
        err.contains("IMAP: IMAP server 127.0.0.1 refused login"),
        "{err}"
    );
    assert!(
        err.contains("SMTP: SMTP sign-in refused for shop: 535"),
        "{err}"
    );
    assert!(err.contains("authentication failed"), "{err}");
    assert!(err.contains("nothing written"), "{err}");
    assert!(!err.contains("wrong"), "the password is not echoed: {err}");
    assert!(!config.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left behind"
    );
}

#[test]
fn an_existing_config_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("shop.db");
    std::fs::write(&config, "agent = \"bob\"\n").unwrap();
    let gmail = |c: &mut Command| {
        c.args(["init", "--email", "nordic.boots@gmail.com"]).args([
            "--password-cmd",
            "pass show shop/gmail",
            "--no-check",
        ]);
    };
    let mut c = shopdesk(&config, &db);
    gmail(&mut c);
    let o = run(&mut c);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "agent = \"bob\"\n"
    );

    let mut c = shopdesk(&config, &db);
    gmail(&mut c);
    ok(c.arg("--force"));
    assert_eq!(mode(&config), 0o600);
    // an address at a known provider gets its servers and its habits
    let loaded = Config::load(&config).unwrap();
    let a = &loaded.accounts[0];
    assert_eq!(a.name, "nordicboots");
    assert_eq!((a.imap.host.as_str(), a.imap.port), ("imap.gmail.com", 993));
    let smtp = a.smtp.as_ref().unwrap();
    assert_eq!((smtp.host.as_str(), smtp.port), ("smtp.gmail.com", 465));
    assert_eq!(
        smtp.password,
        PasswordSource::Command("pass show shop/gmail".into())
    );
    assert!(!a.save_sent);
    assert!(
        std::fs::read_to_string(&config)
            .unwrap()
            .contains("# Gmail: ")
    );
}

#[test]
fn without_a_terminal_a_missing_value_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("shop.db");
    #[rustfmt::skip]
    let cases: &[(&[&str], &str)] = &[
        (&["--password-env", "PW"], "--email"),
        (&["--email", "support@nordic-boots.test", "--password-env", "PW"], "--imap"),
        (&["--email", "support@nordic-boots.test", "--imap", "imap.nordic-boots.test", "--password-env", "PW"], "--smtp"),
        (&["--email", "shop@gmail.com"], "--password-cmd"),
        (&["--email", "not an address", "--password-env", "PW"], "not an email address"),
        (&["--email", "shop@gmail.com", "--password-env", "PW", "--imap", "host:imap"], "--imap"),
        (&["--email", "shop@gmail.com", "--password-env", "PW", "--security", "ssl"], "tls, starttls, none"),
        (&["--email", "shop@gmail.com", "--password-env", "PW", "--password-cmd", "x"], "cannot be used with"),
        (&["--email", "shop@gmail.com", "--password-env", "PW", "--name", " "], "accounts[0].name"),
    ];
    for (args, want) in cases {
        let o = run(shopdesk(&config, &db).arg("init").args(*args));
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!config.exists(), "{args:?}");
    }
    // commands that need a config say how to get one
    let o = run(shopdesk(&config, &db).arg("sync"));
    assert!(stderr(&o).contains("shopdesk init"), "{}", stderr(&o));
}

#[test]
fn tls_servers_with_a_private_ca_need_ca_file() {
    let stack = MailStack::start();
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            "anna@example.test",
            "Sizing",
            "Do the boots run small?",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("shop.db");
    let tls = |c: &mut Command| {
        c.arg("init")
            .args(["--email", SHOP, "--security", "tls"])
            .args(["--imap", &format!("127.0.0.1:{}", stack.imaps)])
            .args(["--smtp", &format!("127.0.0.1:{}", stack.smtps)])
            .args(["--password-env", "SHOPDESK_TEST_PASSWORD"]);
    };
    // without the shop's CA the check says it is the certificate, on both servers
    let mut c = shopdesk(&config, &db);
    tls(&mut c);
    let o = run(&mut c);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("IMAP: TLS with IMAP server"), "{err}");
    assert!(err.contains("SMTP: SMTP server 127.0.0.1"), "{err}");
    assert!(!config.exists());

    let mut c = shopdesk(&config, &db);
    tls(&mut c);
    ok(c.arg("--ca-file").arg(stack.cert()));
    let loaded = Config::load(&config).unwrap();
    let a = &loaded.accounts[0];
    assert_eq!(a.imap.ca_file.as_deref(), Some(stack.cert().as_path()));
    assert_eq!((a.imap.port, a.imap.security), (stack.imaps, Security::Tls));
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(list_json(&config, &db, &[]).len(), 1);
}

#[test]
fn without_the_check_the_sent_folder_is_left_to_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("shop.db");
    ok(shopdesk(&config, &db).args([
        "init",
        "--email",
        "shop@gmail.com",
        "--password-cmd",
        "pass show shop/gmail",
        "--no-check",
    ]));
    let text = std::fs::read_to_string(&config).unwrap();
    // A fixed "Sent" would turn discovery off, and `[Gmail]/Sent Mail` would fail every sync.
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("sent_folder")),
        "{text}"
    );
    let loaded = Config::load(&config).unwrap();
    assert!(
        matches!(loaded.accounts[0].sent_folder, SentFolder::Discovered(_)),
        "{text}"
    );
}

#[test]
fn init_signs_in_with_an_oauth2_token_command_and_learns_the_sent_folder() {
    let stack = MailStack::start_env(
        &[
            ("MAILSTACK_OAUTH2", "1"),
            ("MAILSTACK_SENT", "Sent Messages"),
        ],
        |_| {},
    );
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            "customer1@example.test",
            "Where is my order?",
            "Order 10023 has not arrived.",
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, stack.token(SHOP, 3600, false)).unwrap();
    let forged = dir.path().join("forged");
    std::fs::write(&forged, stack.token(SHOP, 3600, true)).unwrap();
    let config = dir.path().join("config.toml");
    let db = dir.path().join("shop.db");
    let init = |token_file: &Path| {
        let mut c = shopdesk(&config, &db);
        c.env_remove("SHOPDESK_TEST_PASSWORD")
            .arg("init")
            .args(["--email", SHOP, "--name", "shop", "--security", "none"])
            .args(["--imap", &format!("127.0.0.1:{}", stack.imap)])
            .args(["--smtp", &format!("127.0.0.1:{}", stack.smtp)])
            .arg("--oauth2-token-cmd")
            .arg(format!("cat '{}'", token_file.display()));
        c
    };

    // A token the servers do not take: both logins say so, nothing is written.
    let o = run(&mut init(&forged));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("IMAP: "), "{err}");
    assert!(err.contains("SMTP: SMTP sign-in refused for shop"), "{err}");
    assert!(!config.exists());

    let o = run(&mut init(&token));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.matches("logged in").count(), 2, "{err}");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains(&stack.token(SHOP, 3600, false)), "{text}");
    let loaded = Config::load(&config).unwrap();
    let a = &loaded.accounts[0];
    assert_eq!(
        a.sent_folder,
        SentFolder::Named("Sent Messages".into()),
        "{text}"
    );
    for server in [Some(&a.imap), a.smtp.as_ref()] {
        let server = server.unwrap();
        assert_eq!(server.password, PasswordSource::None, "{text}");
        assert_eq!(
            server.oauth2.as_ref().map(|o| o.token_cmd.clone()),
            Some(format!("cat '{}'", token.display())),
            "{text}"
        );
    }
    // The written config carries a real sync and reply.
    let sd = |args: &[&str]| {
        let mut c = shopdesk(&config, &db);
        c.env_remove("SHOPDESK_TEST_PASSWORD").args(args);
        c
    };
    ok(&mut sd(&["sync"]));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    let id = tickets[0]["id"].to_string();
    ok(&mut sd(&["reply", &id, "--template", "sizing"]));
}

#[test]
fn on_a_terminal_gmail_and_microsoft_365_are_offered_oauth2_first() {
    use std::time::Duration;
    use support::tmux::Tmux;
    let dir = tempfile::tempdir().unwrap();
    // (address, answers to the sign-in questions, the line the config gets)
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "shop@outlook.com",
            &["oama access shop@outlook.com"],
            "oauth2_token_cmd = \"oama access shop@outlook.com\"",
        ),
        (
            "shop@gmail.com",
            &["password", "pass show shop/gmail"],
            "password_cmd = \"pass show shop/gmail\"",
        ),
    ];
    for (i, (email, answers, want)) in cases.iter().enumerate() {
        let config = dir.path().join(format!("config{i}.toml"));
        let cmd = format!(
            "'{bin}' --config '{config}' --db '{db}' init --email {email} --no-check; sleep 30",
            bin = support::shopdesk_bin().display(),
            config = config.display(),
            db = dir.path().join("shop.db").display(),
        );
        let t = Tmux::start(&format!("sdinit{}x{i}", std::process::id()), &cmd, 120, 30);
        // The name, then the provider's IMAP and SMTP servers, as offered.
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(300));
            t.keys(&["Enter"]);
        }
        let s = t.wait_for("OAuth2 access token", Duration::from_secs(10));
        assert!(s.contains(&format!("oama access {email}")), "{s}");
        for a in *answers {
            t.keys(&[a, "Enter"]);
        }
        let s = t.wait_for("wrote ", Duration::from_secs(10));
        assert!(s.contains("wrote "), "{email}: {s}");
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(text.contains(want), "{email}: {text}");
    }
}
