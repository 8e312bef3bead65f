//! Decoding tests: one hand-made message per charset (tests/fixtures/mail, made by its
//! generate.py), MIME structures, and each malformed case.

use super::*;

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail")
}

#[test]
fn every_charset_decodes_in_headers_and_body() {
    let manifest: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(fixture_dir().join("expected.json")).expect("manifest"),
    )
    .expect("json");
    assert!(manifest.len() >= 17);
    for case in manifest {
        let file = case["file"].as_str().expect("file");
        let raw = std::fs::read(fixture_dir().join(file)).expect("fixture");
        let p = parse_message(&raw);
        assert_eq!(
            p.subject,
            case["subject"].as_str().unwrap_or_default(),
            "{file}: subject"
        );
        assert_eq!(
            p.from.as_ref().and_then(|a| a.name.as_deref()),
            case["from_name"].as_str(),
            "{file}: from name"
        );
        assert_eq!(
            p.text,
            case["text"].as_str().unwrap_or_default(),
            "{file}: body"
        );
        assert!(p.warnings.is_empty(), "{file}: {:?}", p.warnings);
        assert_eq!(
            p.date.map(|d| d.timestamp()),
            Some(1_795_510_800),
            "{file}: date"
        );
    }
}

fn msg(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\n\r\n{body}")
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

const BASE: &str = "From: Anna <anna@customer.example>\nTo: shop@example.test\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <a1@customer.example>";

#[test]
fn alternative_prefers_text_and_html_only_becomes_text() {
    let alt = msg(
        &format!("{BASE}\nSubject: alt\nContent-Type: multipart/alternative; boundary=\"b\""),
        "--b\nContent-Type: text/plain; charset=utf-8\n\nPlain version\n--b\nContent-Type: text/html\n\n<p>HTML version</p>\n--b--\n",
    );
    let p = parse_message(&alt);
    assert_eq!(p.text, "Plain version");

    let html = msg(
        &format!("{BASE}\nSubject: html\nContent-Type: text/html; charset=utf-8"),
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><h1>Order</h1><p>Where is <b>my</b> order <a href=\"https://shop.example/o/1\">1001</a>?</p><ul><li>Shoes</li></ul></body></html>",
    );
    let p = parse_message(&html);
    assert!(p.text.contains("Where is"), "{}", p.text);
    assert!(p.text.contains("order"), "{}", p.text);
    assert!(p.text.contains("Shoes"), "{}", p.text);
    assert!(
        !p.text.contains("<p>") && !p.text.contains("alert(1)"),
        "{}",
        p.text
    );
}

#[test]
fn mixed_with_attachments_rfc2231_names_and_nested_message() {
    let raw = msg(
        &format!(
            "{BASE}\nSubject: =?utf-8?Q?Retur_av_v=C3=A4ska?=\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"m\""
        ),
        "--m\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nH=C3=A4r =C3=A4r kvittot.\n\
--m\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''kvitto%20%C3%A5%C3%A4%C3%B6.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n\
--m\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n\
--m\nContent-Type: message/rfc822\n\nFrom: Carrier <track@carrier.example>\nSubject: Delivery delayed\nDate: Mon, 23 Nov 2026 08:00:00 +0000\n\nYour parcel is delayed by two days.\n--m--\n",
    );
    let p = parse_message(&raw);
    assert_eq!(p.subject, "Retur av väska");
    assert!(p.text.starts_with("Här är kvittot."), "{}", p.text);
    assert!(p.text.contains("Forwarded message"), "{}", p.text);
    assert!(
        p.text.contains("Your parcel is delayed by two days."),
        "{}",
        p.text
    );
    let names: Vec<_> = p.attachments.iter().map(|a| a.filename.clone()).collect();
    assert_eq!(names[0].as_deref(), Some("kvitto åäö.pdf"));
    assert_eq!(p.attachments[0].content_type, "application/pdf");
    assert_eq!(p.attachments[0].size, 9);
    assert!(
        p.attachments.iter().any(|a| a.content_type == "image/png"),
        "{:?}",
        p.attachments
    );
    let eml = p
        .attachments
        .iter()
        .find(|a| a.content_type == "message/rfc822")
        .expect("eml");
    assert_eq!(eml.filename.as_deref(), Some("Delivery delayed.eml"));
    let bytes = attachment_bytes(&raw, p.attachments[0].part).expect("bytes");
    assert_eq!(bytes, b"%PDF-1.4\n");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn headers_ids_and_auto_submitted() {
    let raw = msg(
        "From: \"Mailer Daemon\" <MAILER-DAEMON@example.test>\nTo: a@x.example, \"B\" <b@x.example>\nCc: c@x.example\nReply-To: r@x.example\nSubject: Undelivered\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <  m1@x  >\nIn-Reply-To: <p1@x>\nReferences: <r1@x> <r2@x>\n <p1@x>\nAuto-Submitted: auto-replied\nPrecedence: bulk\nList-Id: News <news.x.example>\nList-Unsubscribe: <mailto:u@x.example>\nReturn-Path: <>",
        "bounce",
    );
    let p = parse_message(&raw);
    assert_eq!(p.message_id.as_deref(), Some("m1@x"));
    assert_eq!(p.in_reply_to, ["p1@x"]);
    assert_eq!(p.references, ["r1@x", "r2@x", "p1@x"]);
    assert_eq!(
        p.from.as_ref().map(|a| a.email.as_str()),
        Some("mailer-daemon@example.test")
    );
    assert_eq!(p.to.len(), 2);
    assert_eq!(p.cc[0].email, "c@x.example");
    assert_eq!(p.reply_to[0].email, "r@x.example");
    assert_eq!(p.auto.auto_submitted.as_deref(), Some("auto-replied"));
    assert_eq!(p.auto.precedence.as_deref(), Some("bulk"));
    assert!(p.auto.list_id.is_some() && p.auto.list_unsubscribe.is_some());
    assert_eq!(p.auto.return_path.as_deref(), Some(""));
}

#[test]
fn hostile_text_is_sanitised_everywhere() {
    let raw = msg(
        "From: =?utf-8?Q?Evil=1B[31m_Name?= <e@x.example>\nTo: shop@example.test\nSubject: =?utf-8?B?aW52b2ljZeKArmZkcC5leGUbXTUyO2M7WkdGdVoyVnkHIOKAqw==?=\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <e1@x>\nContent-Type: text/plain; charset=utf-8",
        "line one\x1b[2J\x1b[H\r\nline\ttwo\x07\r\n\u{202e}reversed",
    );
    let p = parse_message(&raw);
    for s in [
        p.subject.as_str(),
        p.text.as_str(),
        p.from
            .as_ref()
            .and_then(|a| a.name.as_deref())
            .unwrap_or(""),
    ] {
        assert!(!s.chars().any(|c| c.is_control() && c != '\n'), "{s:?}");
        assert!(!s.contains('\u{202e}') && !s.contains('\u{202b}'), "{s:?}");
    }
    assert_eq!(p.text, "line one\nline    two\nreversed");
    assert!(!p.subject.contains("52;"), "{}", p.subject);
}

#[test]
fn quotes_are_found() {
    let raw = msg(
        &format!("{BASE}\nSubject: Re: order\nContent-Type: text/plain; charset=utf-8"),
        "Still nothing.\n\nOn Mon, 23 Nov 2026, Shop <shop@example.test> wrote:\n> It ships tomorrow.\n",
    );
    let p = parse_message(&raw);
    assert_eq!(p.quotes.len(), 1);
    assert!(p.text[p.quotes[0].clone()].starts_with("On Mon"));
}

#[test]
fn malformed_mail_is_kept_with_warnings() {
    struct Case {
        name: &'static str,
        raw: Vec<u8>,
        text_contains: &'static str,
        warning: &'static str,
    }
    let cases = [
        Case {
            name: "no date",
            raw: msg(
                "From: a@x.example\nSubject: s\nMessage-ID: <n1@x>",
                "body without date",
            ),
            text_contains: "body without date",
            warning: "no Date header",
        },
        Case {
            name: "bad date",
            raw: msg(
                "From: a@x.example\nSubject: s\nDate: yesterday-ish\nMessage-ID: <n2@x>",
                "body",
            ),
            text_contains: "body",
            warning: "Date header could not be read",
        },
        Case {
            name: "no message-id",
            raw: msg(
                "From: a@x.example\nSubject: s\nDate: Tue, 24 Nov 2026 10:00:00 +0000",
                "hello",
            ),
            text_contains: "hello",
            warning: "no Message-ID",
        },
        Case {
            name: "broken boundary",
            raw: msg(
                &format!("{BASE}\nSubject: s\nContent-Type: multipart/mixed; boundary=\"right\""),
                "--wrong\nContent-Type: text/plain\n\nrecover me please\n--wrong--\n",
            ),
            text_contains: "recover me please",
            warning: "boundary \"right\" never appears",
        },
        Case {
            name: "unterminated multipart",
            raw: msg(
                &format!("{BASE}\nSubject: s\nContent-Type: multipart/mixed; boundary=\"b\""),
                "--b\nContent-Type: text/plain\n\ncut short here\n",
            ),
            text_contains: "cut short here",
            warning: "not terminated",
        },
        Case {
            name: "unknown charset",
            raw: msg(
                &format!("{BASE}\nSubject: s\nContent-Type: text/plain; charset=x-klingon-42"),
                "plain ascii survives",
            ),
            text_contains: "plain ascii survives",
            warning: "unknown charset \"x-klingon-42\"",
        },
        Case {
            name: "bad encoded word",
            raw: msg(
                &format!("{BASE}\nSubject: =?x-nope?B?!!!notbase64?= order"),
                "text",
            ),
            text_contains: "text",
            warning: "Subject has an encoded word",
        },
        Case {
            name: "wrong declared charset, 8-bit body",
            raw: {
                let mut r = msg(
                    &format!(
                        "{BASE}\nSubject: s\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 8bit"
                    ),
                    "",
                );
                r.extend_from_slice("Beställning på väg".as_bytes());
                r
            },
            text_contains: "Best",
            warning: "",
        },
        Case {
            name: "header only",
            raw: format!("{BASE}\r\nSubject: only headers\r\n").into_bytes(),
            text_contains: "",
            warning: "",
        },
        Case {
            name: "garbage",
            raw: vec![0xff, 0xfe, 0x00, 0x13, 0x37, 0x80, 0x81],
            text_contains: "",
            warning: "not a mail message",
        },
        Case {
            name: "empty",
            raw: Vec::new(),
            text_contains: "",
            warning: "not a mail message",
        },
    ];
    for c in cases {
        let p = parse_message(&c.raw);
        assert!(
            p.text.contains(c.text_contains),
            "{}: text {:?}",
            c.name,
            p.text
        );
        if !c.warning.is_empty() {
            assert!(
                p.warnings.iter().any(|w| w.contains(c.warning)),
                "{}: warnings {:?}",
                c.name,
                p.warnings
            );
        }
    }
}

#[test]
fn no_prefix_of_any_fixture_panics() {
    let mut raws: Vec<Vec<u8>> = std::fs::read_dir(fixture_dir())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    raws.push(msg(
        &format!("{BASE}\nSubject: =?utf-8?B?5L2g5aW9?=\nContent-Type: multipart/mixed; boundary=\"m\""),
        "--m\nContent-Type: text/html\n\n<p>x</p>\n--m\nContent-Type: message/rfc822\n\nSubject: inner\n\nhi\n--m--\n",
    ));
    for raw in raws {
        for end in (0..raw.len()).step_by(7) {
            let _ = parse_message(&raw[..end]);
        }
    }
}

#[test]
fn a_25_mb_attachment_parses() {
    let line = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n";
    let lines = 25 * 1024 * 1024 / 57;
    let mut raw = msg(
        &format!("{BASE}\nSubject: big\nContent-Type: multipart/mixed; boundary=\"m\""),
        "--m\nContent-Type: text/plain\n\nSee attached.\n--m\nContent-Type: application/zip\nContent-Disposition: attachment; filename=big.zip\nContent-Transfer-Encoding: base64\n\n",
    );
    raw.reserve(lines * line.len() + 16);
    for _ in 0..lines {
        raw.extend_from_slice(line.as_bytes());
    }
    raw.extend_from_slice(b"--m--\r\n");
    let p = parse_message(&raw);
    assert_eq!(p.text, "See attached.");
    assert_eq!(p.attachments.len(), 1);
    assert_eq!(p.attachments[0].size, (lines * 57) as u64);
}

#[test]
fn deeply_nested_html_is_read_without_layout_and_warned() {
    // 1.1 MB of nested <div>s: html5ever alone spends half a minute on this
    let depth = 100_000;
    let html = format!(
        "<html><body>{}Where is my order?{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let raw = msg(
        &format!("{BASE}\nSubject: nested\nContent-Type: text/html; charset=utf-8"),
        &html,
    );
    assert!(raw.len() > 1_100_000);
    let p = parse_message(&raw);
    assert_eq!(p.text, "Where is my order?");
    assert_eq!(
        p.warnings,
        ["HTML nested more than 256 levels deep; its text is shown without layout"]
    );
}

#[test]
fn text_is_cut_at_the_cap_with_a_warning() {
    struct Case {
        name: &'static str,
        content_type: &'static str,
        line: &'static str,
        first_line: &'static str,
        warning: &'static str,
    }
    let cases = [
        Case {
            name: "plain text",
            content_type: "text/plain; charset=utf-8",
            line: "Line of a very long complaint, again and again.\r\n",
            first_line: "Line of a very long complaint, again and again.",
            warning: "",
        },
        Case {
            name: "html past the layout cap",
            content_type: "text/html; charset=utf-8",
            line: "<p>Paragraph of a very long newsletter &amp; more.</p>\r\n",
            first_line: "Paragraph of a very long newsletter & more.",
            warning: "HTML part of 50.0 MiB is past the 2 MiB laid out per message",
        },
    ];
    for c in cases {
        let mut raw = msg(
            &format!("{BASE}\nSubject: long\nContent-Type: {}", c.content_type),
            "",
        );
        while raw.len() < 50 * 1024 * 1024 {
            raw.extend_from_slice(c.line.as_bytes());
        }
        let p = parse_message(&raw);
        assert!(
            p.text.len() <= budget::MAX_TEXT_BYTES,
            "{}: {}",
            c.name,
            p.text.len()
        );
        // CRLF becomes LF after the cut, so a little less than the cap is kept
        assert!(p.text.len() > budget::MAX_TEXT_BYTES * 9 / 10, "{}", c.name);
        assert!(
            p.text.starts_with(c.first_line),
            "{}: {:.80}",
            c.name,
            p.text
        );
        assert!(
            p.text.ends_with(c.first_line),
            "{}: cut at a line end",
            c.name
        );
        assert!(
            p.warnings
                .iter()
                .any(|w| w == "text cut at 1 MiB; the raw source keeps the whole message"),
            "{}: {:?}",
            c.name,
            p.warnings
        );
        if !c.warning.is_empty() {
            assert!(
                p.warnings.iter().any(|w| w.starts_with(c.warning)),
                "{}: {:?}",
                c.name,
                p.warnings
            );
        }
    }
}

#[test]
fn attachment_name_and_type_are_sanitised() {
    // (content type line, file name parameter, type it starts with, name wanted)
    let cases = [
        (
            "application/pdf\x1bPq#0\x1b\\",
            "filename=\"a\x1b[8mb.pdf\"",
            "application/pdf",
            "ab.pdf",
        ),
        (
            "IMAGE/\x1b[?1049hPNG",
            "filename*=utf-8''c%C2%9B31md.png",
            "image/png",
            "cd.png",
        ),
        (
            "text/plain\x1b]52;c;eA==\x07",
            "filename=\"=?utf-8?B?ZRtdNTI7YztlQT09B2YudHh0?=\"",
            "text/plain",
            "ef.txt",
        ),
    ];
    for (ctype, name, want_type, want_name) in cases {
        let raw = msg(
            &format!("{BASE}\nSubject: s\nContent-Type: multipart/mixed; boundary=\"m\""),
            &format!(
                "--m\nContent-Type: text/plain\n\nhi\n--m\nContent-Type: {ctype}\nContent-Disposition: attachment; {name}\n\nx\n--m--\n"
            ),
        );
        let p = parse_message(&raw);
        assert_eq!(p.attachments.len(), 1, "{ctype:?}");
        // mail-parser lower-cases the type, turning a DCS (ESC P) into ESC p: the escape
        // goes, its parameters may stay as text
        let got = &p.attachments[0].content_type;
        assert!(got.starts_with(want_type), "{ctype:?}: {got:?}");
        assert!(!got.chars().any(char::is_control), "{ctype:?}: {got:?}");
        assert_eq!(
            p.attachments[0].filename.as_deref(),
            Some(want_name),
            "{name:?}"
        );
    }
}

#[test]
fn a_message_with_only_its_mime_fields_is_mail() {
    // a draft or a form's output with no envelope fields: its parts are read, not kept
    // as raw source; a file with no field at all still is not mail
    let raw = msg(
        "Content-Type: multipart/mixed; boundary=\"m\"",
        "--m\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nVGhlIHRleHQ=\n--m--\n",
    );
    let p = parse_message(&raw);
    assert_eq!(p.text.trim_end(), "The text");
    assert!(
        !p.warnings.iter().any(|w| w.contains("not a mail message")),
        "{:?}",
        p.warnings
    );
    let p = parse_message(b"a\n");
    assert!(p.warnings.iter().any(|w| w.contains("not a mail message")));
}
