//! Parsers never panic: property tests over everything that reads outside input (the MIME
//! decoder, the subject normaliser and token finder, threading, the query parser, the
//! config loader), plus the seed corpus in tests/fixtures/nasty run through the same checks.
//!
//! 256 cases per property by default, so the file runs in seconds; a long run is
//! `PROPTEST_CASES=100000 cargo nextest run --test properties`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use unicode_width::UnicodeWidthStr;

use shopdesk::config::Config;
use shopdesk::domain::ParsedMessage;
use shopdesk::domain::message::MailReport;
use shopdesk::domain::order_mention::{NumberPattern, OrderFinder};
use shopdesk::domain::query::parse_query;
use shopdesk::domain::subject::{
    find_token, normalize_subject, normalize_subject_for, reply_subject, strip_prefixes,
};
use shopdesk::domain::threading::{
    KnownMessage, SubjectTicket, ThreadInput, ThreadLookup, TicketFacts, place,
};
use shopdesk::domain::ticket::TicketId;
use shopdesk::domain::tracking;
use shopdesk::import::orders;
use shopdesk::mail::parse::parse_message;

fn config() -> ProptestConfig {
    // PROPTEST_CASES, when set, wins over the default; failures are kept as seed files
    // by hand (tests/fixtures/nasty), not in proptest-regressions files.
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- what "displayable" means -------------------------------------------------------

/// A character a terminal would act on rather than show: C0 controls (but `\n` and `\t`
/// where `multiline`), DEL, C1 controls, bidi overrides, isolates and marks.
fn is_unsafe(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\t' => !multiline,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => true,
        '\u{061C}' => true,
        _ => false,
    }
}

fn check_line(what: &str, s: &str) -> Result<(), TestCaseError> {
    if let Some(c) = s.chars().find(|&c| is_unsafe(c, false)) {
        return Err(TestCaseError::fail(format!("{what} holds {c:?}: {s:?}")));
    }
    Ok(())
}

fn check_text(what: &str, s: &str) -> Result<(), TestCaseError> {
    if let Some(c) = s.chars().find(|&c| is_unsafe(c, true)) {
        return Err(TestCaseError::fail(format!("{what} holds {c:?}")));
    }
    Ok(())
}

/// Every field of a decoded message that is ever shown.
fn check_parsed(p: &ParsedMessage) -> Result<(), TestCaseError> {
    check_line("subject", &p.subject)?;
    let addresses = p.from.iter().chain(&p.reply_to).chain(&p.to).chain(&p.cc);
    for a in addresses {
        check_line("address", &a.email)?;
        if let Some(n) = &a.name {
            check_line("name", n)?;
        }
    }
    if let Some(m) = &p.message_id {
        check_line("message-id", m)?;
    }
    for id in p.in_reply_to.iter().chain(&p.references) {
        check_line("reference", id)?;
    }
    check_text("text", &p.text)?;
    for q in &p.quotes {
        prop_assert!(
            q.start <= q.end && q.end <= p.text.len(),
            "quote {q:?} outside the text"
        );
        prop_assert!(p.text.is_char_boundary(q.start) && p.text.is_char_boundary(q.end));
    }
    for a in &p.attachments {
        if let Some(n) = &a.filename {
            check_line("attachment name", n)?;
        }
        check_line("attachment type", &a.content_type)?;
    }
    for w in &p.warnings {
        check_line("warning", w)?;
    }
    Ok(())
}

// ---- mail-shaped input: tests/properties/mail.rs ------------------------------------

#[path = "properties/mail.rs"]
mod mail;
use mail::nasty_text;

// ---- subjects -------------------------------------------------------------------------

fn subject() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Re:".to_string()),
        Just("AW: ".to_string()),
        Just("Fwd[2]:".to_string()),
        Just("SV:".to_string()),
        Just("[SHOP #12]".to_string()),
        Just("[shop #0]".to_string()),
        Just("[SHOP #99999999999999999999]".to_string()),
        Just("[#7]".to_string()),
        Just("(Case 5)".to_string()),
        Just("[SD-1002]".to_string()),
        Just("(sd1003)".to_string()),
        Just("[".to_string()),
        Just("(".to_string()),
        Just("：".to_string()),
        Just("İ".to_string()),
        nasty_text(),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn normalize_subject_is_idempotent(s in subject()) {
        let once = normalize_subject(&s);
        prop_assert_eq!(normalize_subject(&once), once.clone());
        let sd = OrderFinder::new(NumberPattern::parse("SD-{number}").unwrap()).unwrap();
        let kept = normalize_subject_for(&s, &sd);
        prop_assert_eq!(normalize_subject_for(&kept, &sd), kept.clone());
        let _ = strip_prefixes(&s);
    }

    #[test]
    fn reply_subject_carries_our_token(
        s in subject(),
        tag in prop_oneof![Just("SHOP".to_string()), "[A-Z]{1,8}"],
        id in 1i64..i64::MAX,
    ) {
        let reply = reply_subject(&s, &tag, id);
        prop_assert_eq!(find_token(&reply, &tag), Some(id), "{:?}", reply);
    }

    #[test]
    fn find_token_takes_any_tag(s in subject(), tag in any::<String>()) {
        if let Some(id) = find_token(&s, &tag) {
            prop_assert!(id > 0);
        }
    }
}

// ---- threading ------------------------------------------------------------------------

/// Known tickets and message ids, searched linearly as the store would by index.
#[derive(Debug)]
struct Known {
    tickets: Vec<(TicketId, Vec<String>)>,
    messages: Vec<(String, TicketId)>,
    /// (customer, subject as written, as stored normalised, ticket)
    subjects: Vec<(String, String, String, TicketId)>,
}

impl ThreadLookup for Known {
    fn ticket(&self, id: TicketId) -> Option<TicketFacts> {
        self.tickets
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(t, a)| TicketFacts {
                id: *t,
                addresses: a.clone(),
            })
    }

    fn find_message(&self, message_id: &str, _correspondent: &str) -> Option<KnownMessage> {
        self.messages
            .iter()
            .find(|(m, _)| m == message_id)
            .map(|(_, t)| KnownMessage {
                ticket: *t,
                row: None,
            })
    }

    fn recent_tickets_by_subject(
        &self,
        customer: &str,
        normalized_subject: &str,
        _since: chrono::DateTime<Utc>,
    ) -> Vec<SubjectTicket> {
        self.subjects
            .iter()
            .filter(|(c, _, n, _)| c == customer && n == normalized_subject)
            .map(|(_, s, _, t)| SubjectTicket {
                id: *t,
                subject: s.clone(),
            })
            .collect()
    }
}

fn known() -> impl Strategy<Value = Known> {
    (
        prop::collection::vec((1i64..20, prop::collection::vec("[a-c]@x", 0..3)), 0..5),
        prop::collection::vec(("<[a-d]@x>", 1i64..20), 0..5),
        prop::collection::vec(("[a-c]@x", subject(), 1i64..20), 0..5),
    )
        .prop_map(|(tickets, messages, subjects)| Known {
            tickets,
            messages,
            subjects: subjects
                .into_iter()
                .map(|(c, s, t)| {
                    let n = normalize_subject(&s);
                    (c, s, n, t)
                })
                .collect(),
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn threading_places_anything(
        lookup in known(),
        tag in prop_oneof![Just("SHOP".to_string()), any::<String>()],
        message_id in prop::option::of(prop_oneof!["<[a-d]@x>", any::<String>()]),
        in_reply_to in prop::collection::vec(prop_oneof!["<[a-d]@x>", any::<String>()], 0..3),
        references in prop::collection::vec(prop_oneof!["<[a-d]@x>", any::<String>()], 0..3),
        subject in subject(),
        from in prop_oneof!["[a-c]@x", any::<String>()],
        customer in prop_oneof!["[a-c]@x", any::<String>()],
        outgoing in any::<bool>(),
        secs in any::<i32>(),
        window in any::<i32>(),
        pattern in prop_oneof![Just("#{number}"), Just("SD-{number}")],
        report in prop::option::of(prop::option::of(prop_oneof!["<[a-d]@x>", any::<String>()])),
    ) {
        let orders = OrderFinder::new(NumberPattern::parse(pattern).unwrap()).unwrap();
        let report = report.map(|original| MailReport {
            original,
            recipient: None,
            undelivered: false,
        });
        let input = ThreadInput {
            tag: &tag,
            message_id: message_id.as_deref(),
            in_reply_to: &in_reply_to,
            references: &references,
            subject: &subject,
            from: &from,
            customer: &customer,
            outgoing,
            date: Utc.timestamp_opt(i64::from(secs), 0).single().unwrap(),
            orders: &orders,
            report: report.as_ref(),
        };
        let _ = place(&input, &lookup, Duration::seconds(i64::from(window)));
    }
}

// ---- the query parser -----------------------------------------------------------------

fn query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "(from|to|status|tag|owner|order|lang|before|after|is|x):[a-z0-9@.-]{0,8}",
        Just("\"".to_string()),
        Just("-".to_string()),
        Just(":".to_string()),
        Just("中文".to_string()),
        Just("before:2024-02-30".to_string()),
        Just("after:-99999999999d".to_string()),
        Just("\u{301}".to_string()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.join(" "))
}

fn check_query(input: &str) -> Result<(), TestCaseError> {
    match parse_query(input) {
        Ok(q) => {
            for t in &q.terms {
                prop_assert!(t.span.start <= t.span.end && t.span.end <= input.len());
            }
        }
        Err(e) => {
            prop_assert!(
                e.span.start <= e.span.end && e.span.end <= input.len(),
                "{e:?}"
            );
            let rendered = e.render_caret(input);
            let caret = rendered.lines().last().unwrap_or("");
            prop_assert!(caret.trim_start().chars().all(|c| c == '^'), "{rendered:?}");
            // the carets sit under the input: at most one column past its end
            prop_assert!(
                caret.width() <= 2 + input.width() + 1,
                "caret line {caret:?} wider than {input:?}"
            );
            check_line("query error", &e.message)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn query_parser_takes_anything(input in query()) {
        check_query(&input)?;
    }
}

// ---- the config loader ----------------------------------------------------------------

fn config_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("[[accounts]]".to_string()),
        Just("[accounts.imap]".to_string()),
        Just("[accounts.smtp]".to_string()),
        Just("agent = \"alice\"".to_string()),
        Just("name = \"shop\"".to_string()),
        Just("email = \"support@example.test\"".to_string()),
        Just("host = \"imap.example.test\"".to_string()),
        Just("port = 99999".to_string()),
        Just("port = -1".to_string()),
        Just("security = \"startls\"".to_string()),
        Just("password_cmd = \"true\"".to_string()),
        Just("oauth2_token_cmd = \"x\"".to_string()),
        Just("folders = [\"INBOX\", \"\u{202e}\"]".to_string()),
        Just("ticket_tag = \"\u{1b}[31m\"".to_string()),
        Just("x = \"\"\"\nmulti\nline\"\"\"".to_string()),
        "[a-z_]{1,12} = \"[^\"\\\\]{0,12}\"",
        any::<String>(),
    ];
    prop::collection::vec(line, 0..16).prop_map(|v| v.join("\n"))
}

fn check_config(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = Config::parse(text, Path::new("config.toml")) {
        check_line("config error", &e.to_string())?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn config_loader_takes_anything(text in config_text()) {
        check_config(&text)?;
    }
}

// ---- order exports and tracking numbers -------------------------------------------------

fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("Name,Email,Financial Status,Fulfillment Status,Created at,Lineitem quantity,Lineitem name,Total,Cancelled at".to_string()),
        Just("order_id,order_number,order_date,status,order_total,customer_email,line_item_1".to_string()),
        Just("number,email,status,created_at,total,items,tracking_number,carrier".to_string()),
        Just("number,tracking_number".to_string()),
        "[a-z_, ]{0,40}",
    ];
    let cell = prop_oneof![
        Just(String::new()),
        Just("#1001".to_string()),
        Just("2024-03-01 12:34:56 +0900".to_string()),
        Just("\"quoted, with comma\"".to_string()),
        Just("\"multi\nline\"".to_string()),
        Just("\"unclosed".to_string()),
        Just("name:Hat|sku:H-1|quantity:99999999999".to_string()),
        Just("1Z5R89390357567127".to_string()),
        Just("a@b.c".to_string()),
        Just("1.234,5".to_string()),
        Just("\u{1b}[31mred".to_string()),
        Just("\u{202e}evil".to_string()),
        "[^,\n\"]{0,20}",
        any::<String>(),
    ];
    let row = prop::collection::vec(cell, 0..12).prop_map(|c| c.join(","));
    (
        header,
        prop::collection::vec(row, 0..8),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(h, rows, junk)| {
            let mut out = format!("{h}\n{}", rows.join("\r\n")).into_bytes();
            out.extend(junk);
            out
        })
}

fn check_import(bytes: &[u8]) -> Result<(), TestCaseError> {
    for format in [
        None,
        Some(orders::Format::Shopify),
        Some(orders::Format::WooCommerce),
        Some(orders::Format::Generic),
    ] {
        match orders::read(bytes, format) {
            Ok(parsed) => {
                for r in &parsed.rejected {
                    prop_assert!(r.line >= 1, "{r:?}");
                    check_line("rejected row", &r.reason)?;
                }
            }
            Err(e) => check_line("import error", &e.to_string())?,
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn order_import_takes_anything(bytes in csv_text()) {
        check_import(&bytes)?;
    }

    #[test]
    fn tracking_numbers_are_found_in_anything(text in nasty_text()) {
        for t in tracking::table().find_in_text(&text, &["dhl".to_string()]) {
            prop_assert!(t.number.chars().all(|c| c.is_ascii_alphanumeric()), "{t:?}");
        }
    }
}

// ---- the seed corpus ------------------------------------------------------------------

fn seeds(ext: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nasty");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .{ext} seeds");
    files
}

fn run(path: &Path, result: Result<(), TestCaseError>) {
    if let Err(e) = result {
        panic!("{}: {e}", path.display());
    }
}

#[test]
fn seed_mails_decode_cleanly() {
    for path in seeds("eml") {
        let raw = std::fs::read(&path).unwrap();
        run(&path, check_parsed(&parse_message(&raw)));
    }
}

#[test]
fn seed_queries_parse_or_point_at_the_error() {
    for path in seeds("query") {
        let text = std::fs::read_to_string(&path).unwrap();
        run(&path, check_query(text.trim_end_matches('\n')));
    }
}

#[test]
fn seed_configs_load_or_fail_on_one_line() {
    for path in seeds("toml") {
        let text = std::fs::read_to_string(&path).unwrap();
        run(&path, check_config(&text));
    }
}

#[test]
fn seed_order_exports_import_or_fail_on_one_line() {
    for path in seeds("csv") {
        let bytes = std::fs::read(&path).unwrap();
        run(&path, check_import(&bytes));
    }
}
