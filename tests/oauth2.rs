//! OAuth2 sign-in against the real Dovecot and Postfix of the test stack, whose oauth2
//! passdb validates locally signed tokens: sync and a reply with `oauth2_token_cmd` on
//! IMAP and SMTP, an expired token fetched again, a forged one a clear error.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::messages::customer_mail;
use support::{MailStack, list_json, ok, run, shopdesk, stderr};

const SHOP: &str = support::mailstack::SHOP;
const CUSTOMER: &str = "customer1@example.test";

fn oauth2_stack() -> MailStack {
    MailStack::start_env(&[("MAILSTACK_OAUTH2", "1")], |_| {})
}

/// A token command: prints `tokens` one per run, the last one from then on, and counts
/// its runs in `<name>.runs`.
fn token_cmd(dir: &Path, name: &str, tokens: &[String]) -> PathBuf {
    for (i, t) in tokens.iter().enumerate() {
        std::fs::write(dir.join(format!("{name}.{i}")), t).unwrap();
    }
    let script = dir.join(format!("{name}.sh"));
    let last = tokens.len() - 1;
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nd='{dir}'\nn=$(cat \"$d/{name}.runs\" 2>/dev/null || echo 0)\n\
             echo $((n + 1)) > \"$d/{name}.runs\"\n\
             i=$n; [ \"$i\" -gt {last} ] && i={last}\n\
             echo 'helper chatter on stderr' >&2\ncat \"$d/{name}.$i\"\n",
            dir = dir.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn runs(dir: &Path, name: &str) -> usize {
    std::fs::read_to_string(dir.join(format!("{name}.runs")))
        .map(|s| s.trim().parse().unwrap())
        .unwrap_or(0)
}

/// The stack's config with each server's password line replaced by `imap` and `smtp`.
fn config(stack: &MailStack, dir: &Path, imap: &str, smtp: &str) -> PathBuf {
    let text = stack.config_text("");
    let pw = "password_env = \"SHOPDESK_TEST_PASSWORD\"";
    assert_eq!(text.matches(pw).count(), 2, "{text}");
    let text = text.replacen(pw, imap, 1).replacen(pw, smtp, 1);
    let path = dir.join("oauth2.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn customer_asks(stack: &MailStack) {
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            CUSTOMER,
            "Where is order 1?",
            "Has it shipped?",
        )],
    );
}

fn reply_arrives(stack: &MailStack) {
    let got = stack.wait_for_mail(CUSTOMER, "INBOX", 1, Duration::from_secs(20));
    assert_eq!(got.len(), 1, "the reply reached the customer");
}

#[test]
fn sync_and_a_reply_sign_in_with_tokens_on_imap_and_smtp() {
    let stack = oauth2_stack();
    let tmp = tempfile::tempdir().unwrap();
    let good = stack.token(SHOP, 3600, false);
    let imap = token_cmd(tmp.path(), "imap", std::slice::from_ref(&good));
    let smtp = token_cmd(tmp.path(), "smtp", &[good]);
    // IMAP picks OAUTHBEARER (Dovecot lists it); SMTP is told to use it too.
    let config = config(
        &stack,
        tmp.path(),
        &format!("oauth2_token_cmd = \"{}\"", imap.display()),
        &format!(
            "oauth2_token_cmd = \"{}\"\nauth = \"oauthbearer\"",
            smtp.display()
        ),
    );
    let db = tmp.path().join("shop.db");
    customer_asks(&stack);
    let mut sync = shopdesk(&config, &db);
    sync.env_remove("SHOPDESK_TEST_PASSWORD").arg("sync");
    ok(&mut sync);
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1);
    let id = tickets[0]["id"].to_string();
    let mut reply = shopdesk(&config, &db);
    reply
        .env_remove("SHOPDESK_TEST_PASSWORD")
        .args(["reply", &id, "--template", "sizing"]);
    ok(&mut reply);
    reply_arrives(&stack);
    assert_eq!(runs(tmp.path(), "smtp"), 1, "one token for SMTP");
    assert!(
        runs(tmp.path(), "imap") >= 2,
        "sync and the Sent copy sign in"
    );
    let mut shop = stack.client(SHOP);
    assert_eq!(support::mailstack::fetch_all(&mut shop, "Sent").len(), 1);
    assert!(logins(&stack).contains("method=OAUTHBEARER"));
    assert!(smtp_log(&stack).contains("sasl_method=OAUTHBEARER"));
}

/// Postfix's log, which names each SMTP sign-in's `sasl_method`.
fn smtp_log(stack: &MailStack) -> String {
    std::fs::read_to_string(stack.dir().join("log/postfix.log")).unwrap()
}

/// Dovecot's log of sign-ins (`Login: user=<...>, method=...`).
fn logins(stack: &MailStack) -> String {
    std::fs::read_to_string(stack.dir().join("log/dovecot.log"))
        .unwrap()
        .lines()
        .filter(|l| l.contains("imap-login: Info: Login:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_expired_token_is_fetched_again_and_a_forged_one_is_a_clear_error() {
    let stack = oauth2_stack();
    let tmp = tempfile::tempdir().unwrap();
    let expired = stack.token(SHOP, -60, false);
    let good = stack.token(SHOP, 3600, false);
    let imap = token_cmd(tmp.path(), "imap", &[expired.clone(), good.clone()]);
    let smtp = token_cmd(tmp.path(), "smtp", &[expired.clone(), good]);
    // XOAUTH2 on both, named explicitly on IMAP.
    let config_path = config(
        &stack,
        tmp.path(),
        &format!(
            "oauth2_token_cmd = \"{}\"\nauth = \"xoauth2\"",
            imap.display()
        ),
        &format!("oauth2_token_cmd = \"{}\"", smtp.display()),
    );
    let db = tmp.path().join("shop.db");
    customer_asks(&stack);
    ok(shopdesk(&config_path, &db).arg("sync"));
    assert_eq!(
        runs(tmp.path(), "imap"),
        2,
        "the expired token, then a fresh one"
    );
    let signed_in = logins(&stack);
    assert!(
        signed_in.contains("method=XOAUTH2") && !signed_in.contains("method=OAUTHBEARER"),
        "{signed_in}"
    );
    let id = list_json(&config_path, &db, &[])[0]["id"].to_string();
    ok(shopdesk(&config_path, &db).args(["reply", &id, "--template", "sizing"]));
    reply_arrives(&stack);
    assert_eq!(
        runs(tmp.path(), "smtp"),
        2,
        "the expired token, then a fresh one"
    );

    // A token the server never takes: one fresh try, then an error that says so.
    let forged = stack.token(SHOP, 3600, true);
    let bad_imap = token_cmd(tmp.path(), "bad-imap", std::slice::from_ref(&forged));
    let bad_smtp = token_cmd(tmp.path(), "bad-smtp", std::slice::from_ref(&forged));
    let config_path = config(
        &stack,
        tmp.path(),
        &format!("oauth2_token_cmd = \"{}\"", bad_imap.display()),
        &format!("oauth2_token_cmd = \"{}\"", bad_smtp.display()),
    );
    let o = run(shopdesk(&config_path, &db).arg("sync"));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("refused login for 'shop@example.test'")
            && err.contains("turned down again after a fresh token was fetched"),
        "{err}"
    );
    assert_eq!(runs(tmp.path(), "bad-imap"), 2);
    let o = run(shopdesk(&config_path, &db).args(["reply", &id, "--template", "sizing"]));
    let all = format!("{}{}", support::stdout(&o), stderr(&o));
    assert!(
        all.contains("XOAUTH2 sign-in for 'shop@example.test' turned down again"),
        "{all}"
    );
    for text in [&err, &all] {
        assert!(
            !text.contains(&forged) && !text.contains("helper chatter"),
            "{text}"
        );
    }
    let outbox = ok(shopdesk(&config_path, &db).args(["outbox", "list", "--all", "--json"]));
    assert!(!outbox.contains(&forged) && !outbox.contains("helper chatter"));
}
