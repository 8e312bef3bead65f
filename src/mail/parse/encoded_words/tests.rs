//! Encoded-word decoding, case by case; each expectation is what Python's `email` gives
//! (`policy.default`), except where the module header says we differ on purpose.

use super::*;

#[test]
fn unstructured_table() {
    let cases: &[(&str, &str, &str)] = &[
        // name, unfolded header value, decoded
        ("plain", "Where is my order?", "Where is my order?"),
        (
            "word then punctuation gains no space",
            "=?UTF-8?B?0J3QtSDQtNC+0YHRgtCw0LLQu9C10L3Qvg==?=. Mail failure.",
            "Не доставлено. Mail failure.",
        ),
        (
            "blanks around a word kept",
            "Re: =?utf-8?q?Best=C3=A4llning_1001?= please",
            "Re: Beställning 1001 please",
        ),
        (
            "blank between words dropped",
            "=?utf-8?q?a?= =?utf-8?q?b?=",
            "ab",
        ),
        (
            "blanks between words in two charsets dropped",
            "=?utf-8?q?a?=\t \t=?iso-8859-1?q?=E9?=",
            "aé",
        ),
        ("blanks kept as written", "a  b\t c", "a  b\t c"),
        (
            "blanks next to text kept",
            "=?utf-8?q?a?=  plain  =?utf-8?q?b?=",
            "a  plain  b",
        ),
        (
            "word inside quotes",
            "\"=?UTF-8?Q?caf=C3=A9?=\" ordered",
            "\"café\" ordered",
        ),
        ("word inside text", "pre=?utf-8?q?=C3=A9?=post", "preépost"),
        ("base64 without padding", "=?utf-8?b?w6k?=", "é"),
        ("base64 with padding", "=?utf-8?B?w6k=?=", "é"),
        ("base64 with a blank", "=?utf-8?b?w6 k=?=", "é"),
        (
            "too many question marks",
            "=?utf-8?q?a?b?=",
            "=?utf-8?q?a?b?=",
        ),
        (
            "unknown encoding",
            "=?utf-8?x?abc?= tail",
            "=?utf-8?x?abc?= tail",
        ),
        (
            "unterminated",
            "=?utf-8?q?unterminated",
            "=?utf-8?q?unterminated",
        ),
        ("language suffix", "=?utf-8*sv?q?Hej_d=C3=A5?=", "Hej då"),
        ("q escape right after the ?", "=?utf-8?q?=C3=A9?=", "é"),
        ("stray = in q", "=?utf-8?q?100=_sure=ZZ?=", "100= sure=ZZ"),
        (
            "words with no blank between",
            "=?utf-8?q?a?==?utf-8?q?b?=",
            "ab",
        ),
        ("lowercase b", "=?utf-8?b?SGVq?=", "Hej"),
        (
            "underscores in q",
            "=?iso-8859-1?q?Retur_av_v=E4ska?=",
            "Retur av väska",
        ),
        (
            "unknown charset, ascii",
            "=?x-unknown?q?plain_text?=",
            "plain text",
        ),
        (
            "utf-8 split mid-character",
            "=?UTF-8?B?0LTQvtE=?= =?UTF-8?B?gdGC0LDQstC70LXQvdC+?=",
            "доставлено",
        ),
        // Python decodes each word alone here and gives "日本8l%F%9%H"
        (
            "iso-2022-jp split mid-character",
            "=?ISO-2022-JP?B?GyRCRnxLXA==?= =?ISO-2022-JP?B?OGwlRiU5JUgbKEI=?=",
            "日本語テスト",
        ),
        (
            "shift_jis split mid-character",
            "=?shift_jis?B?ldSVaYI=?= =?shift_jis?B?tYK9gqKCxYK3?=",
            "返品したいです",
        ),
        ("bare nul kept for the sanitiser", "a\0b", "a\0b"),
        ("encoded nul", "=?utf-8?q?a=00b?=", "a\0b"),
    ];
    for (name, input, want) in cases {
        let got = decode_unstructured(input);
        assert_eq!(got.text, *want, "{name}");
        assert!(!got.undecoded, "{name}");
    }
}

#[test]
fn unknown_charset_that_is_not_utf8_stays_as_written() {
    let got = decode_unstructured("Re: =?x-martian?q?=FF=FE?=  =?x-martian?q?=FD?= end");
    assert_eq!(
        got.text,
        "Re: =?x-martian?q?=FF=FE?=  =?x-martian?q?=FD?= end"
    );
    assert!(got.undecoded);
}

#[test]
fn base64_no_padding_can_mend_is_kept_as_python_keeps_it_and_warned() {
    let got = decode_unstructured("=?utf-8?b?abcde?= x");
    assert_eq!(got.text, "abcde x");
    assert!(got.undecoded);
}

#[test]
fn unfold_table() {
    let cases: &[(&[u8], &str)] = &[
        (b" Hello\r\n", "Hello"),
        (b" a\r\n b\r\n\tc\r\n", "a b\tc"),
        (b"\r\n  late start\r\n", "  late start"),
        (b" trailing  \r\n", "trailing  "),
        (b" a\0b\r\n", "a\0b"),
        (b" caf\xc3\xa9\n", "café"),
        (b"\t\tno newline", "no newline"),
    ];
    for (raw, want) in cases {
        assert_eq!(unfold(raw), want.as_bytes(), "{raw:?}");
    }
}

#[test]
fn raw_bytes_are_read_as_written() {
    let cases: &[(&str, &[u8], &str)] = &[
        // a gateway let an 8-bit byte through inside a Q word: the charset's byte
        ("8-bit in Q", b"=?iso-8859-1?q?Fr\xf6sche?=", "Frösche"),
        ("8-bit UTF-8 in Q", b"=?utf-8?q?Fr\xc3\xb6sche?=", "Frösche"),
        // outside a word, bytes that are not UTF-8 are U+FFFD; UTF-8 is kept
        ("8-bit text", b"caf\xe9 =?utf-8?q?ok?=", "caf\u{FFFD} ok"),
        ("UTF-8 text", b"caf\xc3\xa9 order", "café order"),
    ];
    for (name, input, want) in cases {
        assert_eq!(decode_unstructured(input).text, *want, "{name}");
    }
}

#[test]
fn display_name_table() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("plain", "Anna Berg <a@b.example>", Some("Anna Berg")),
        (
            "blank runs are one space",
            "Anna   Berg\t<a@b.example>",
            Some("Anna Berg"),
        ),
        (
            "quotes keep theirs",
            "\"Anna  Berg\" <a@b.example>",
            Some("Anna  Berg"),
        ),
        (
            "escapes",
            r#""Anna \"AB\" Berg" <a@b.example>"#,
            Some("Anna \"AB\" Berg"),
        ),
        (
            "word then quoted string",
            "=?utf-8?q?J=C3=BCrgen?= \"M.\" Mueller <a@b.example>",
            Some("Jürgen M. Mueller"),
        ),
        (
            "blanks between words go",
            "=?utf-8?q?J=C3=BCrgen?= =?utf-8?q?_M=C3=BCller?= <a@b.example>",
            Some("Jürgen Müller"),
        ),
        (
            "word inside quotes",
            "\"Mueller, =?utf-8?q?J=C3=BCrgen?=\" <a@b.example>",
            Some("Mueller, Jürgen"),
        ),
        (
            "comment is a blank",
            "Anna (shop) Berg <a@b.example>",
            Some("Anna Berg"),
        ),
        (
            "dots in a name",
            "Anna B. Berg <a@b.example>",
            Some("Anna B. Berg"),
        ),
        ("no name", "<a@b.example>", Some("")),
        ("address only", "a@b.example", None),
        ("name in a comment", "a@b.example (Anna Berg)", None),
        ("unquoted comma", "Berg, Anna <a@b.example>", None),
        ("two addresses", "A <a@b.example>, B <b@b.example>", None),
        ("unclosed quote", "\"Anna <a@b.example>", None),
        ("unclosed comment", "Anna (x <a@b.example>", None),
        (
            "`<` inside quotes",
            "\"a <b>\" <a@b.example>",
            Some("a <b>"),
        ),
    ];
    for (name, value, want) in cases {
        let got = display_name(value.as_bytes()).map(|d| d.text);
        assert_eq!(got.as_deref(), *want, "{name}");
    }
}

#[test]
fn base64_table() {
    let cases: &[(&str, Option<&[u8]>)] = &[
        ("", Some(b"")),
        ("SGVq", Some(b"Hej")),
        ("SGU", Some(b"He")),
        ("SA", Some(b"H")),
        ("SA==", Some(b"H")),
        ("SA==SGVq", Some(b"H")),
        ("S!G@V#q", Some(b"Hej")),
        ("SGVqS", None),
    ];
    for (input, want) in cases {
        assert_eq!(unbase64(input.as_bytes()).as_deref(), *want, "{input}");
    }
}

#[test]
fn hostile_headers_take_linear_time() {
    // many `=?` and no word: each start must not scan to the end of the header
    for unit in ["=?a ", "=?a?", "x=?u?q?", "=?u?q?a =?"] {
        let value = format!("{}?=", unit.repeat(200_000));
        let started = std::time::Instant::now();
        let got = decode_unstructured(&value);
        assert!(got.text.len() >= value.len() / 2, "{unit}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{unit}: {:?}",
            started.elapsed()
        );
    }
}
