//! The MIME decoder on mail-shaped input: random structure, charsets, encodings and bytes,
//! and attachments whose base64 is cut into lines of every length.

use super::*;

const CHARSETS: &[&str] = &[
    "utf-8",
    "UTF-8",
    "iso-8859-1",
    "windows-1252",
    "koi8-r",
    "iso-2022-jp",
    "gb18030",
    "big5",
    "shift_jis",
    "utf-16",
    "utf-7",
    "x-unknown",
    "",
    "utf-8*en",
];

/// Text with the characters that have broken mail software before: controls, escapes,
/// bidi overrides, CR/LF, quotes, encoded-word and MIME syntax.
pub fn nasty_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        Just("\u{1b}[31m".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{9b}2J".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{2066}".to_string()),
        Just("\0".to_string()),
        Just("\r".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("=?".to_string()),
        Just("?=".to_string()),
        Just("\"".to_string()),
        Just("<>@,;:".to_string()),
        Just("Ünïcødé 中文 ру".to_string()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

fn encoded_word() -> impl Strategy<Value = String> {
    (
        prop::sample::select(CHARSETS),
        prop::bool::ANY,
        prop::collection::vec(any::<u8>(), 0..24),
    )
        .prop_map(|(cs, b64, bytes)| {
            use base64::Engine as _;
            if b64 {
                let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
                format!("=?{cs}?B?{data}?=")
            } else {
                let data: String = bytes.iter().map(|b| format!("={b:02X}")).collect();
                format!("=?{cs}?Q?{data}?=")
            }
        })
}

fn header_value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![nasty_text(), encoded_word()], 0..5).prop_map(|v| v.join(" "))
}

fn html_body() -> impl Strategy<Value = String> {
    (nasty_text(), 0usize..40).prop_map(|(t, depth)| {
        let open = "<div><b>".repeat(depth);
        format!(
            "<html><head><style>x{{}}</style><script>alert(1)</script></head><body>{open}{t}\
             <a href=\"javascript:x\">{t}</a><img src=x alt=\"{t}\"><table><tr><td>{t}</table>"
        )
    })
}

/// One MIME part, maybe multipart with nested parts; boundaries are sometimes left open.
fn part(depth: u32) -> BoxedStrategy<String> {
    let leaf = (
        prop_oneof![
            Just("text/plain"),
            Just("text/html"),
            Just("application/pdf"),
            Just("message/rfc822"),
            Just("image/png"),
            Just("x/"),
        ],
        prop::sample::select(CHARSETS),
        prop_oneof![Just("7bit"), Just("base64"), Just("quoted-printable"), Just("x-uue")],
        header_value(),
        prop_oneof![nasty_text(), html_body()],
    )
        .prop_map(|(ty, cs, enc, name, body)| {
            format!(
                "Content-Type: {ty}; charset=\"{cs}\"; name=\"{name}\"\r\n\
                 Content-Transfer-Encoding: {enc}\r\n\
                 Content-Disposition: attachment; filename*=utf-8''%E2%80%AE{name}\r\n\r\n{body}\r\n"
            )
        })
        .boxed();
    if depth == 0 {
        return leaf;
    }
    (
        "[a-zA-Z0-9'()+_,./:=? -]{0,20}",
        prop::collection::vec(part(depth - 1), 0..4),
        prop::bool::ANY,
    )
        .prop_map(|(boundary, parts, close)| {
            let mut out = format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\npreamble\r\n"
            );
            for p in parts {
                out.push_str(&format!("--{boundary}\r\n{p}"));
            }
            if close {
                out.push_str(&format!("--{boundary}--\r\n"));
            }
            out
        })
        .boxed()
}

fn mail() -> impl Strategy<Value = Vec<u8>> {
    (
        header_value(),
        header_value(),
        header_value(),
        header_value(),
        part(3),
        prop::bool::ANY,
    )
        .prop_map(|(subject, name, to, id, body, lf_only)| {
            let text = format!(
                "From: {name} <a@example.test>\r\nTo: {to}, \"{name}\" <b@{id}>\r\n\
                 Subject: {subject}\r\nMessage-ID: <{id}@x>\r\nReferences: <{id}> <{subject}>\r\n\
                 Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMIME-Version: 1.0\r\n{body}"
            );
            if lf_only {
                text.replace("\r\n", "\n").into_bytes()
            } else {
                text.into_bytes()
            }
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decoder_takes_any_bytes(raw in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_parsed(&parse_message(&raw))?;
    }

    #[test]
    fn decoder_takes_any_mail_shaped_input(raw in mail()) {
        check_parsed(&parse_message(&raw))?;
    }

    #[test]
    fn decoder_takes_mail_with_bytes_flipped(
        raw in mail(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
    ) {
        let mut raw = raw;
        for (i, b) in flips {
            if !raw.is_empty() {
                let at = i.index(raw.len());
                raw[at] = b;
            }
        }
        check_parsed(&parse_message(&raw))?;
    }
}

/// An attachment as senders write it: `bytes` in base64, cut into lines of `line`
/// characters (not always a multiple of four), ended by CRLF or LF, some with a trailing
/// blank, between two text parts.
fn mail_with_attachment(bytes: &[u8], line: usize, crlf: bool, blanks: bool) -> Vec<u8> {
    use base64::Engine;
    let eol = if crlf { "\r\n" } else { "\n" };
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut body = String::new();
    for (i, piece) in encoded.as_bytes().chunks(line.max(1)).enumerate() {
        body.push_str(std::str::from_utf8(piece).unwrap_or_default());
        if blanks && i % 3 == 1 {
            body.push(' ');
        }
        body.push_str(eol);
    }
    [
        "From: Anna <anna@example.test>",
        "To: shop@example.test",
        "Subject: Photo of the parcel",
        "Message-ID: <photo@example.test>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"b1\"",
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "The parcel came like this.",
        "--b1",
        "Content-Type: application/octet-stream; name=\"parcel.bin\"",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename=\"parcel.bin\"",
        "",
        body.trim_end_matches(['\r', '\n']),
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Thanks",
        "--b1--",
        "",
    ]
    .join(eol)
    .into_bytes()
}

proptest! {
    #![proptest_config(config())]

    /// However its base64 is cut into lines, an attachment decodes to its own bytes, and
    /// the text on both sides of it is kept.
    #[test]
    fn base64_attachments_decode_to_their_bytes(
        bytes in prop::collection::vec(any::<u8>(), 1..3000),
        line in 1usize..120,
        crlf in any::<bool>(),
        blanks in any::<bool>(),
    ) {
        let raw = mail_with_attachment(&bytes, line, crlf, blanks);
        let parsed = parse_message(&raw);
        prop_assert!(parsed.text.contains("The parcel came like this."), "{:?}", parsed.text);
        prop_assert!(parsed.text.contains("Thanks"), "{:?}", parsed.text);
        prop_assert_eq!(parsed.attachments.len(), 1);
        let part = parsed.attachments[0].part;
        prop_assert_eq!(parsed.attachments[0].size, bytes.len() as u64);
        let decoded = shopdesk::mail::parse::attachment_bytes(&raw, part);
        prop_assert_eq!(decoded.as_deref(), Some(&bytes[..]));
    }
}
