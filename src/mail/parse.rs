//! MIME → ParsedMessage.

use crate::domain::{Address, ParsedMessage};
use mail_parser::{HeaderValue, MessageParser};

// Minimal placeholder, replaced by the full decoder.
pub fn parse_message(raw: &[u8]) -> ParsedMessage {
    let Some(m) = MessageParser::default().parse(raw) else {
        return ParsedMessage {
            warnings: vec!["unparseable".into()],
            ..Default::default()
        };
    };
    let addr = |a: Option<&mail_parser::Address>| -> Vec<Address> {
        a.map(|a| {
            a.iter()
                .filter_map(|x| x.address().map(|e| Address::new(e, x.name())))
                .collect()
        })
        .unwrap_or_default()
    };
    let ids = |h: &HeaderValue| -> Vec<String> {
        match h {
            HeaderValue::Text(t) => vec![t.to_string()],
            HeaderValue::TextList(l) => l.iter().map(|s| s.to_string()).collect(),
            _ => vec![],
        }
    };
    ParsedMessage {
        message_id: m.message_id().map(str::to_string),
        in_reply_to: ids(m.in_reply_to()),
        references: ids(m.references()),
        from: addr(m.from()).into_iter().next(),
        to: addr(m.to()),
        subject: m.subject().unwrap_or("").to_string(),
        date: m
            .date()
            .and_then(|d| chrono::DateTime::from_timestamp(d.to_timestamp(), 0)),
        text: m.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
        ..Default::default()
    }
}
