//! Escape sequences in every header field, raw and inside RFC 2047 encoded words, synced
//! from a real Dovecot: nothing of them may reach standard output, for people or for JSON.
//! Checked on the bytes the binary writes: no ESC, no C1 (U+009B CSI among them), no other
//! control but newline, and JSON that parses with only escaped forms in it.

#![allow(clippy::unwrap_used)]

mod support;

use assert_cmd::prelude::*;
use support::{MailStack, shopdesk};

const SHOP: &str = support::mailstack::SHOP;

/// Conceal, the alternate screen, a one-byte CSI, a DCS string and an OSC 52 clipboard write.
const SEQUENCES: &str =
    "\u{1b}[8m\u{1b}[?1049h\u{9b}31m\u{1b}Pq#0;2;0;0;0\u{1b}\\\u{1b}]52;c;ZXZpbA==\u{7}";

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            out.push(if k <= c.len() {
                T[(n >> (18 - 6 * k) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// `SEQUENCES` both raw and as an encoded word, around `word`.
fn hostile(word: &str) -> String {
    let ew = format!("=?utf-8?B?{}?=", b64(SEQUENCES.as_bytes()));
    format!("{word}{SEQUENCES} {ew} {word}")
}

fn hostile_mail() -> Vec<u8> {
    let s = SEQUENCES;
    let ew = format!("=?utf-8?B?{}?=", b64(s.as_bytes()));
    let pct: String = s.bytes().map(|b| format!("%{b:02X}")).collect();
    format!(
        "From: {from} <anna{s}@customer.example>\r\n\
         To: {to} <{SHOP}>, \"Other{s}\" <other{s}@customer.example>\r\n\
         Cc: {cc} <cc@customer.example>, {ew} <cc2@customer.example>\r\n\
         Reply-To: \"Reply{s}\" <reply@customer.example>\r\n\
         Subject: {subject}\r\n\
         Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\
         Message-ID: <id{s}{ew}@customer.example>\r\n\
         In-Reply-To: <parent{s}@customer.example>\r\n\
         References: <root{s}@customer.example> <parent{s}@customer.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
         \r\n\
         --b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Body{s} text with\ta tab.\r\n\
         --b1\r\n\
         Content-Type: text/plain; charset=\"x-{s}\"\r\n\
         \r\n\
         Second part.\r\n\
         --b1\r\n\
         Content-Type: application/pdf{s}; name=\"{ew}.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"invoice{s}.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n\
         JVBERi0xLjQK\r\n\
         --b1\r\n\
         Content-Type: image/{s}png\r\n\
         Content-Disposition: attachment; filename*=utf-8''photo{pct}.png\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n\
         iVBORw0KGgo=\r\n\
         --b1\r\n\
         Content-Type: text/{ew}; name=\"{ew}\"\r\n\
         Content-Disposition: attachment\r\n\
         \r\n\
         attached text\r\n\
         --b1--\r\n",
        from = hostile("Anna"),
        to = hostile("Shop"),
        cc = hostile("Carl"),
        subject = hostile("Refund invoice"),
    )
    .into_bytes()
}

/// No ESC, no C1, no C0 but newline (and tab where `tab` allows), no DEL.
fn assert_clean(what: &str, out: &[u8], tab: bool) {
    let text = std::str::from_utf8(out).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    assert!(!out.contains(&0x1b), "{what}: ESC in output:\n{text}");
    for (i, c) in text.char_indices() {
        let allowed = c == '\n' || (tab && c == '\t');
        assert!(
            allowed || !c.is_control(),
            "{what}: control {c:?} at byte {i}:\n{text}"
        );
        assert!(
            !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'),
            "{what}: bidi control at byte {i}"
        );
    }
}

/// Every string in `v`, keys included.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

fn run(cmd: &mut std::process::Command) -> Vec<u8> {
    cmd.assert().success().get_output().stdout.clone()
}

#[test]
fn escape_sequences_in_every_header_never_reach_stdout() {
    let stack = MailStack::start();
    stack.append(SHOP, "INBOX", &[hostile_mail()]);
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    let sync = run(shopdesk(&config, &db).args(["sync", "--json"]));
    assert_clean("sync --json", &sync, false);

    let list: serde_json::Value =
        serde_json::from_slice(&run(shopdesk(&config, &db).args(["list", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let id = list[0]["id"].to_string();
    // Tags and owner come from people, not mail; they are cleaned on the way out too.
    run(shopdesk(&config, &db).args(["tag", &id, &format!("+vip{SEQUENCES}")]));
    run(shopdesk(&config, &db).args(["assign", &id, &format!("bob{SEQUENCES}")]));

    for args in [
        vec!["show", id.as_str()],
        vec!["show", id.as_str(), "--quotes"],
        vec!["list"],
        vec!["search", "refund"],
    ] {
        let out = run(shopdesk(&config, &db).args(&args));
        let what = args.join(" ");
        assert_clean(&what, &out, true);
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("Refund invoice"),
            "{what} shows the subject:\n{text}"
        );
    }
    let shown = String::from_utf8(run(shopdesk(&config, &db).args(["show", &id]))).unwrap();
    for visible in [
        "Body text with",
        "invoice.pdf",
        "application/pdf",
        "photo",
        "vip",
        "bob",
    ] {
        assert!(shown.contains(visible), "show has {visible}:\n{shown}");
    }

    for args in [
        vec!["show", id.as_str(), "--json"],
        vec!["list", "--json"],
        vec!["search", "--json", "refund"],
    ] {
        let out = run(shopdesk(&config, &db).args(&args));
        let what = args.join(" ");
        assert_clean(&what, &out, false);
        let v: serde_json::Value =
            serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
        let mut all = Vec::new();
        strings(&v, &mut all);
        assert!(
            all.iter().any(|s| s.contains("Refund invoice")),
            "{what}: {v}"
        );
        for s in &all {
            assert!(
                !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{what}: decoded string keeps a control: {s:?}"
            );
            assert!(!s.contains("52;c;"), "{what}: OSC payload left: {s:?}");
        }
    }
    let shown: serde_json::Value =
        serde_json::from_slice(&run(shopdesk(&config, &db).args(["show", &id, "--json"]))).unwrap();
    let m = &shown["messages"][0];
    let types: Vec<&str> = m["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["content_type"].as_str().unwrap())
        .collect();
    assert!(
        types.iter().any(|t| t.starts_with("application/pdf")),
        "{types:?}"
    );
    assert!(
        m["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("unknown charset")),
        "{m}"
    );
}
