//! A planned reply → RFC 5322 bytes, with lettre: UTF-8 plain text, attachments from
//! files, our threading headers and, for automatic mail, `Auto-Submitted` (RFC 3834).

use std::path::PathBuf;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::domain::Address;
use crate::domain::reply::ReplyPlan;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("address '{0}' cannot be used in a mail header")]
    Address(String),
    #[error("attachment {path}: {source}")]
    Attachment {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("building the message: {0}")]
    Build(String),
}

/// Everything needed to write the message.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub from: Address,
    pub plan: &'a ReplyPlan,
    pub message_id: &'a str,
    pub body: &'a str,
    /// An HTML alternative of the same text.
    pub html: Option<&'a str>,
    pub attachments: &'a [PathBuf],
    /// RFC 3834: automatic mail says so, and how (`auto-replied`, `auto-generated`).
    pub auto_submitted: Option<&'static str>,
    pub ticket_token: &'a str,
}

fn mailbox(a: &Address) -> Result<Mailbox, ComposeError> {
    let email = a
        .email
        .parse()
        .map_err(|_| ComposeError::Address(a.email.clone()))?;
    Ok(Mailbox::new(a.name.clone(), email))
}

fn angle(id: &str) -> String {
    format!("<{id}>")
}

/// The message's bytes.
pub fn compose(o: &Outgoing) -> Result<Vec<u8>, ComposeError> {
    let mut b = lettre::Message::builder()
        .from(mailbox(&o.from)?)
        .subject(o.plan.subject.clone())
        .message_id(Some(angle(o.message_id)))
        .date_now()
        .user_agent(format!("shopdesk {}", env!("CARGO_PKG_VERSION")));
    for a in &o.plan.to {
        b = b.to(mailbox(a)?);
    }
    for a in &o.plan.cc {
        b = b.cc(mailbox(a)?);
    }
    if let Some(id) = &o.plan.in_reply_to {
        b = b.in_reply_to(angle(id));
    }
    if !o.plan.references.is_empty() {
        let refs: Vec<String> = o.plan.references.iter().map(|r| angle(r)).collect();
        b = b.references(refs.join(" "));
    }
    if let Some(how) = o.auto_submitted {
        b = b.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            how.into(),
        ));
    }
    if !o.ticket_token.is_empty() {
        b = b.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Shopdesk-Ticket"),
            o.ticket_token.to_string(),
        ));
    }
    let message = if o.attachments.is_empty() {
        match o.html {
            Some(html) => b.multipart(MultiPart::alternative_plain_html(
                o.body.to_string(),
                html.to_string(),
            )),
            None => b.singlepart(SinglePart::plain(o.body.to_string())),
        }
    } else {
        let mut mixed = match o.html {
            Some(html) => MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
                o.body.to_string(),
                html.to_string(),
            )),
            None => MultiPart::mixed().singlepart(SinglePart::plain(o.body.to_string())),
        };
        for path in o.attachments {
            let bytes = std::fs::read(path).map_err(|source| ComposeError::Attachment {
                path: path.clone(),
                source,
            })?;
            let name = path
                .file_name()
                .map_or_else(|| "attachment".into(), |n| n.to_string_lossy().into_owned());
            let ct = ContentType::parse(guess_type(&name)).unwrap_or(ContentType::TEXT_PLAIN);
            mixed = mixed.singlepart(Attachment::new(name).body(bytes, ct));
        }
        b.multipart(mixed)
    }
    .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(message.formatted())
}

fn guess_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The reply's text as HTML: Markdown rendered, raw HTML in it shown as text, never run.
pub fn markdown_html(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, html};
    let events = Parser::new(text).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::from("<!DOCTYPE html>\n<html><body>\n");
    html::push_html(&mut out, events);
    out.push_str("</body></html>\n");
    out
}

/// A new Message-ID on the account's domain: unique per process, time and counter.
pub fn new_message_id(account_email: &str, ticket: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let domain = account_email.rsplit('@').next().unwrap_or("localhost");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "shopdesk.{ticket}.{nanos:x}.{:x}.{n}@{domain}",
        std::process::id()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_threading_headers_and_utf8_body() {
        let plan = ReplyPlan {
            to: vec![Address::new("anna@example.com", Some("Åsa Öberg"))],
            cc: vec![Address::new("bob@example.com", None)],
            subject: "Re: [SHOP #7] Var är min beställning?".into(),
            in_reply_to: Some("last@x".into()),
            references: vec!["root@x".into(), "last@x".into()],
        };
        let id = new_message_id("support@shop.example", 7);
        assert!(id.ends_with("@shop.example"));
        let raw = compose(&Outgoing {
            from: Address::new("support@shop.example", Some("Shop")),
            plan: &plan,
            message_id: &id,
            body: "Hej Åsa!\n\nPaketet är på väg.\n",
            html: None,
            attachments: &[],
            auto_submitted: Some("auto-replied"),
            ticket_token: "[SHOP #7]",
        })
        .expect("compose");
        let parsed = crate::mail::parse::parse_message(&raw);
        assert_eq!(parsed.subject, plan.subject);
        assert_eq!(parsed.message_id.as_deref(), Some(id.as_str()));
        assert_eq!(parsed.in_reply_to, ["last@x"]);
        assert_eq!(parsed.references, ["root@x", "last@x"]);
        assert_eq!(parsed.to[0].name.as_deref(), Some("Åsa Öberg"));
        assert_eq!(parsed.cc[0].email, "bob@example.com");
        assert_eq!(parsed.text, "Hej Åsa!\n\nPaketet är på väg.");
        assert_eq!(parsed.auto.auto_submitted.as_deref(), Some("auto-replied"));
        assert_ne!(new_message_id("a@b", 1), new_message_id("a@b", 1));
    }
}

#[cfg(test)]
mod html_tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_without_raw_markup() {
        let h = markdown_html("Hi **Anna**,\n\n- boots\n- scarf\n\n<script>alert(1)</script>");
        assert!(
            h.contains("<strong>Anna</strong>") && h.contains("<li>boots</li>"),
            "{h}"
        );
        assert!(
            !h.contains("<script>") && h.contains("&lt;script&gt;"),
            "{h}"
        );
    }
}
