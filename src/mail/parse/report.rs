//! Reports from mail systems about another message: delivery status notifications
//! (bounces and delays, RFC 3464) and read receipts (RFC 8098). What threading needs is
//! the message reported on: its Message-ID, from the returned message (`message/rfc822`),
//! its returned headers (`text/rfc822-headers`) or the receipt's `Original-Message-ID`.
//! Mail systems that predate RFC 3464 send a plain, automatic mail from `MAILER-DAEMON` or
//! `postmaster` with the returned message attached or copied into the text; that counts
//! too, even when nothing of the message came back.

use mail_parser::{Message, MimeHeaders, PartType};

use super::headers::{clean_id, message_id};
use crate::domain::ParsedMessage;
use crate::domain::message::MailReport;

/// Senders whose mail is a mail system's report (local part, lower case).
const SYSTEM_SENDERS: &[&str] = &["mailer-daemon", "postmaster"];

/// The report `m` is, if it is one.
pub(super) fn find(m: &Message, p: &ParsedMessage) -> Option<MailReport> {
    let root = m.parts.first()?;
    let is_report = root.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart") && subtype(c.subtype()) == "report"
    });
    // A person may write from postmaster@ too: a system's mail also says it is automatic.
    let from_system = p.from.as_ref().is_some_and(|a| {
        a.email
            .split_once('@')
            .is_some_and(|(local, _)| SYSTEM_SENDERS.contains(&local))
    }) && (p.auto.return_path.as_deref() == Some("")
        || p.auto.is_auto_submitted());
    if !is_report && !from_system {
        return None;
    }
    let mut original = None;
    let mut final_recipient = None;
    let mut failed = false;
    let mut returned_to = None;
    for part in m.parts.iter().skip(1) {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!(
            "{}/{}",
            ct.ctype().to_ascii_lowercase(),
            subtype(ct.subtype())
        );
        let (id, to) = match (kind.as_str(), &part.body) {
            ("message/delivery-status" | "message/global-delivery-status", _) => {
                let fields = fields(part.contents(), Blocks::All);
                final_recipient = final_recipient.or_else(|| recipient(&fields));
                failed |= fields
                    .iter()
                    .any(|(k, v)| k == "action" && v.eq_ignore_ascii_case("failed"));
                (None, None)
            }
            // the receipt names its original; nothing else in it is as sure
            ("message/disposition-notification", _) => {
                let id = value_of(
                    &fields(part.contents(), Blocks::First),
                    "original-message-id",
                );
                if let Some(id) = id.as_deref().and_then(message_id_value) {
                    original = Some(id);
                    break;
                }
                (None, None)
            }
            ("message/rfc822" | "message/global", PartType::Message(inner)) => (
                message_id(inner),
                inner
                    .to()
                    .and_then(|a| a.first())
                    .and_then(|a| a.address())
                    .map(str::to_lowercase),
            ),
            ("text/rfc822-headers" | "message/global-headers", _) => {
                let fields = fields(part.contents(), Blocks::First);
                (
                    value_of(&fields, "message-id").and_then(|v| message_id_value(&v)),
                    value_of(&fields, "to").and_then(|v| address(&v)),
                )
            }
            _ => (None, None),
        };
        original = id.or(original);
        returned_to = returned_to.or(to);
    }
    // Older systems (qmail, Exim) copy the message into the text, below a line such as
    // "--- Below this line is a copy of the message.": its first Message-ID line.
    if original.is_none() && !is_report {
        original = value_of(&fields(p.text.as_bytes(), Blocks::All), "message-id")
            .and_then(|v| message_id_value(&v));
    }
    let is_receipt = root
        .content_type()
        .and_then(|c| c.attribute("report-type"))
        .is_some_and(|t| t.eq_ignore_ascii_case("disposition-notification"));
    let recipient = if is_receipt {
        None
    } else {
        final_recipient.or(returned_to)
    };
    // an older system's notice (no report part) is sent for a failure
    let undelivered = failed || (!is_report && from_system);
    Some(MailReport {
        original,
        recipient,
        undelivered: undelivered && !is_receipt,
    })
}

fn subtype(s: Option<&str>) -> String {
    s.unwrap_or("").to_ascii_lowercase()
}

/// How much of a header-like text to read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blocks {
    /// Up to the first empty line after a field: returned headers, a receipt's fields.
    First,
    /// Every block: a delivery report has one for the message, then one per recipient.
    All,
}

/// The `Name: value` fields of a header-like text, unfolded, names lower-cased, in order.
/// Empty lines before the first field are skipped.
fn fields(block: &[u8], blocks: Blocks) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(block);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if blocks == Blocks::First && !out.is_empty() {
                break;
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            out.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

/// The first field named `name` (lower case).
fn value_of(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// The Message-ID in field `name` of a header block's first block.
#[cfg(test)]
fn field(block: &[u8], name: &str) -> Option<String> {
    value_of(&fields(block, Blocks::First), name).and_then(|v| message_id_value(&v))
}

/// A delivery report's first `Final-Recipient` (else `Original-Recipient`) that is a mail
/// address (`rfc822; anna@example.test`), lower-cased.
fn recipient(fields: &[(String, String)]) -> Option<String> {
    ["final-recipient", "original-recipient"]
        .iter()
        .find_map(|name| {
            fields.iter().filter(|(k, _)| k == name).find_map(|(_, v)| {
                let (kind, addr) = v.split_once(';')?;
                kind.trim()
                    .eq_ignore_ascii_case("rfc822")
                    .then(|| address(addr))
                    .flatten()
            })
        })
}

/// A single address as written in a field (`<a@b>`, `Name <a@b>` or `a@b`), lower-cased;
/// `None` unless it looks like one.
fn address(value: &str) -> Option<String> {
    let inner = match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => &value[start + 1..end],
        _ => value,
    };
    let addr = crate::domain::sanitize::sanitize_line(inner.trim()).to_lowercase();
    (addr.contains('@') && !addr.contains(char::is_whitespace)).then_some(addr)
}

/// A Message-ID field's value without its angle brackets, read as stored ids are.
fn message_id_value(value: &str) -> Option<String> {
    let id = match (value.find('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => &value[start + 1..end],
        _ => value,
    };
    let id = clean_id(id);
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::field;
    use crate::mail::parse::parse_message;

    /// A Postfix bounce: the returned message whole.
    const POSTFIX: &str = "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\n\
        To: shop@example.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
        Message-ID: <20261124.bounce@mx.example.test>\r\nAuto-Submitted: auto-replied\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\r\n\
        Final-Recipient: rfc822; anna@example.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\
        --b\r\nContent-Type: message/rfc822\r\n\r\nFrom: shop@example.test\r\nTo: anna@example.test\r\n\
        Subject: Re: [SHOP #12] Boots\r\nMessage-ID: <reply.12@example.test>\r\n\r\nYour parcel is on its way.\r\n--b--\r\n";

    /// Exchange and others return the headers only.
    const HEADERS_ONLY: &str = "From: postmaster@outlook.example\r\nTo: shop@example.test\r\n\
        Subject: Undeliverable: Boots\r\nMessage-ID: <ndr.1@outlook.example>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nDelivery has failed to these recipients.\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;outlook.example\r\n\
        --b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: shop@example.test\r\n\
        To: Anna <Anna@Example.test>\r\nMessage-ID:\r\n <reply.13@example.test>\r\nSubject: Boots\r\n--b--\r\n";

    /// A read receipt (RFC 8098).
    const RECEIPT: &str = "From: Anna <anna@example.test>\r\nTo: shop@example.test\r\n\
        Subject: Read: Boots\r\nMessage-ID: <mdn.1@example.test>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/report; report-type=disposition-notification; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nYour message was displayed.\r\n\
        --b\r\nContent-Type: message/disposition-notification\r\n\r\nReporting-UA: mail.example\r\n\
        Original-Message-ID: <reply.14@example.test>\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n";

    /// An old mail system's bounce: plain mixed mail with the message attached.
    const OLD_STYLE: &str = "Return-Path: <>\r\nFrom: MAILER-DAEMON@old.example\r\nTo: shop@example.test\r\n\
        Subject: failure notice\r\nMessage-ID: <old.1@old.example>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
        Sorry, I wasn't able to deliver your message.\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n\
        From: shop@example.test\r\nMessage-ID: <reply.15@example.test>\r\nSubject: Boots\r\n\r\nHi\r\n--b--\r\n";

    /// qmail: the message copied into the text.
    const QMAIL: &str = "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.yahoo.example\r\n\
        To: shop@example.test\r\nSubject: failure notice\r\nMessage-ID: <q.1@mx.yahoo.example>\r\n\r\n\
        Hi. This is the qmail-send program at mx.yahoo.example.\r\n\
        I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n\
        <anna@example.test>:\r\nSorry, no mailbox here by that name.\r\n\r\n\
        --- Below this line is a copy of the message.\r\n\r\nReturn-Path: <shop@example.test>\r\n\
        From: shop@example.test\r\nMessage-ID: <reply.17@example.test>\r\nSubject: Boots\r\n\r\nHi\r\n";

    /// A shop owner writing from postmaster@ with a mail attached: a person, no report.
    const PERSON_AT_POSTMASTER: &str = "From: Ola <postmaster@shop.example>\r\n\
        To: shop@example.test\r\nSubject: see this\r\nMessage-ID: <p.1@shop.example>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nLook.\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n\
        From: x@example.test\r\nMessage-ID: <x.1@example.test>\r\nSubject: y\r\n\r\nz\r\n--b--\r\n";

    /// A customer forwarding a mail as an attachment: no report.
    const FORWARD: &str = "From: Anna <anna@example.test>\r\nTo: shop@example.test\r\n\
        Subject: Fwd: my order\r\nMessage-ID: <fwd.1@example.test>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n\
        --b\r\nContent-Type: message/rfc822\r\n\r\nFrom: shop@example.test\r\n\
        Message-ID: <reply.16@example.test>\r\nSubject: Your order\r\n\r\nShipped.\r\n--b--\r\n";

    /// A report that returned nothing of the message.
    const BARE: &str = "From: MAILER-DAEMON@mx.example.test\r\nTo: shop@example.test\r\n\
        Subject: Delayed Mail (still being retried)\r\nMessage-ID: <delay.1@mx.example.test>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nStill trying.\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n--b--\r\n";

    /// A delay report: per-message fields, then one block per recipient.
    const DELAYED: &str = "From: MAILER-DAEMON@mx.example.test\r\nTo: shop@example.test\r\n\
        Subject: Delayed Mail (still being retried)\r\nMessage-ID: <delay.2@mx.example.test>\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nStill trying.\r\n\
        --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.test\r\n\
        Arrival-Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n\
        Original-Recipient: rfc822;Ben@Example.test\r\nFinal-Recipient: rfc822; <Ben@Example.test>\r\n\
        Action: delayed\r\nStatus: 4.4.1\r\n--b--\r\n";

    /// A system's plain notice with nothing attached: not a report.
    const NOTICE: &str = "From: postmaster@example.test\r\nTo: shop@example.test\r\n\
        Subject: Your mailbox is almost full\r\nMessage-ID: <quota.1@example.test>\r\n\r\n90 % used.\r\n";

    #[test]
    fn reports_and_what_they_are_about() {
        #[rustfmt::skip]
        let cases: [(&str, &str, Option<Option<&str>>); 9] = [
            ("Postfix bounce, message returned", POSTFIX, Some(Some("reply.12@example.test"))),
            ("headers returned, Message-ID folded", HEADERS_ONLY, Some(Some("reply.13@example.test"))),
            ("read receipt", RECEIPT, Some(Some("reply.14@example.test"))),
            ("old mail system, message attached", OLD_STYLE, Some(Some("reply.15@example.test"))),
            ("a customer's forward", FORWARD, None),
            ("a delay report with nothing returned", BARE, Some(None)),
            ("a postmaster's notice", NOTICE, None),
            ("qmail, the message copied into the text", QMAIL, Some(Some("reply.17@example.test"))),
            ("a person writing from postmaster@", PERSON_AT_POSTMASTER, None),
        ];
        for (name, raw, want) in cases {
            let got = parse_message(raw.as_bytes()).report;
            assert_eq!(
                got.map(|r| r.original),
                want.map(|o| o.map(str::to_string)),
                "{name}"
            );
        }
    }

    #[test]
    fn which_reports_say_a_message_did_not_arrive() {
        #[rustfmt::skip]
        let cases: [(&str, &str, bool); 7] = [
            ("a Postfix bounce", POSTFIX, true),
            ("a read receipt", RECEIPT, false),
            ("an older system's notice", OLD_STYLE, true),
            ("qmail", QMAIL, true),
            ("a delay", DELAYED, false),
            ("a report with no recipient block", BARE, false),
            ("an Exchange report without an action", HEADERS_ONLY, false),
        ];
        for (name, raw, want) in cases {
            let got = parse_message(raw.as_bytes()).report.map(|r| r.undelivered);
            assert_eq!(got, Some(want), "{name}");
        }
    }

    #[test]
    fn who_a_report_is_about() {
        #[rustfmt::skip]
        let cases: [(&str, &str, Option<&str>); 6] = [
            ("the delivery status names the recipient", POSTFIX, Some("anna@example.test")),
            ("else the returned headers' To", HEADERS_ONLY, Some("anna@example.test")),
            ("a read receipt is its reader's own", RECEIPT, None),
            ("else the returned message's To", OLD_STYLE, None),
            ("nothing returned, nothing named", BARE, None),
            ("a delay report naming its recipient", DELAYED, Some("ben@example.test")),
        ];
        for (name, raw, want) in cases {
            let got = parse_message(raw.as_bytes())
                .report
                .and_then(|r| r.recipient);
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }

    #[test]
    fn header_fields() {
        let cases: [(&str, &str, Option<&str>); 7] = [
            (
                "\r\nMessage-ID: <after-a-blank@b>\r\n",
                "message-id",
                Some("after-a-blank@b"),
            ),
            (
                "Message-ID: <a@b>\r\nSubject: x\r\n",
                "message-id",
                Some("a@b"),
            ),
            (
                "Subject: x\r\nmessage-id:   <a@b>  \r\n",
                "message-id",
                Some("a@b"),
            ),
            ("Message-ID:\r\n <a@b>\r\n", "message-id", Some("a@b")),
            (
                "Subject: x\r\n\r\nMessage-ID: <body@b>\r\n",
                "message-id",
                None,
            ),
            (
                "Original-Message-ID: <o@b>\r\n",
                "original-message-id",
                Some("o@b"),
            ),
            (
                "Original-Message-ID: o@b\r\n",
                "original-message-id",
                Some("o@b"),
            ),
        ];
        for (block, name, want) in cases {
            assert_eq!(field(block.as_bytes(), name).as_deref(), want, "{block:?}");
        }
    }
}
