//! A decoded mail message as the rest of the program sees it.

use std::fmt;
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A mailbox address. `email` is lower-cased and trimmed; `name` is sanitised display text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Address {
    pub email: String,
    pub name: Option<String>,
}

impl Address {
    pub fn new(email: &str, name: Option<&str>) -> Address {
        Address {
            email: email.trim().to_lowercase(),
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{n} <{}>", self.email),
            None => f.write_str(&self.email),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From a customer (or anyone not the shop).
    In,
    /// From one of the shop's own addresses: our replies, copies from other clients.
    Out,
    /// An internal note, never sent.
    Note,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::Note => "note",
        }
    }
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            "note" => Some(Direction::Note),
            _ => None,
        }
    }
}

/// Which threading rule put a message on its ticket (exposed as `placed_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlacedBy {
    Token,
    References,
    Subject,
    New,
    Manual,
}

impl PlacedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            PlacedBy::Token => "token",
            PlacedBy::References => "references",
            PlacedBy::Subject => "subject",
            PlacedBy::New => "new",
            PlacedBy::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<PlacedBy> {
        match s {
            "token" => Some(PlacedBy::Token),
            "references" => Some(PlacedBy::References),
            "subject" => Some(PlacedBy::Subject),
            "new" => Some(PlacedBy::New),
            "manual" => Some(PlacedBy::Manual),
            _ => None,
        }
    }
}

/// An attachment's metadata; the bytes stay in the raw source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub filename: Option<String>,
    pub content_type: String,
    pub size: u64,
    /// Index of the MIME part in mail-parser's part list, to extract it again from the raw source.
    pub part: usize,
}

/// Headers that decide whether a message may be answered automatically (RFC 3834).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AutoHeaders {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub list_id: Option<String>,
    pub list_unsubscribe: Option<String>,
    /// `Some("")` for an empty return path (`<>`), `None` when the header is absent.
    pub return_path: Option<String>,
}

impl AutoHeaders {
    /// Sent by a program, not a person (RFC 3834 `Auto-Submitted` other than `no`).
    pub fn is_auto_submitted(&self) -> bool {
        self.auto_submitted
            .as_deref()
            .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
    }
}

/// A mail system's report about another message: a delivery status notification (a
/// bounce, a delay) or a read receipt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailReport {
    /// The Message-ID (without angle brackets) of the message reported on, when the report
    /// returned it.
    pub original: Option<String>,
    /// Lower-cased: the address the message did not reach (a delivery report's
    /// `Final-Recipient`, else the returned message's first `To`); `None` for a read
    /// receipt, which its reader sends.
    pub recipient: Option<String>,
    /// The message could not be delivered (a bounce: `Action: failed`, or an older mail
    /// system's failure notice), as against a delay, a delivery or a read receipt.
    pub undelivered: bool,
}

/// A decoded message: everything displayable is already sanitised (no control, escape or
/// bidi-override characters).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedMessage {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: Option<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The readable text body (HTML-only mail converted to text).
    pub text: String,
    /// Byte ranges of `text` that quote earlier mail, so views can fold them.
    pub quotes: Vec<Range<usize>>,
    pub attachments: Vec<AttachmentMeta>,
    pub auto: AutoHeaders,
    /// Set when the message is a mail system's report about another message.
    pub report: Option<MailReport>,
    /// What could not be decoded cleanly; the message is still stored.
    pub warnings: Vec<String>,
}
