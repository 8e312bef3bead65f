//! Planning a reply: who it goes to, its subject and threading headers, the quoted text.
//! Pure: the outbox and the SMTP edge turn a plan into a sent message.

use chrono::{DateTime, Utc};

use super::message::Address;
use super::subject::reply_subject;
use super::ticket::TicketId;

/// Longest References header we send: the first id (the thread's root) and the newest
/// ones, as RFC 5322 suggests when trimming.
pub const MAX_REFERENCES: usize = 20;

/// The message being answered.
#[derive(Debug, Clone, Default)]
pub struct Original<'a> {
    pub message_id: &'a str,
    pub references: &'a [String],
    pub from: Option<&'a Address>,
    pub reply_to: &'a [Address],
    pub to: &'a [Address],
    pub cc: &'a [Address],
    pub subject: &'a str,
    pub date: Option<DateTime<Utc>>,
    pub text: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyPlan {
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// Plans the reply to `original` on ticket `ticket`. `is_own` tells the shop's addresses,
/// which never receive a copy. To is the Reply-To if there is one, else From; Cc keeps
/// the customer's other recipients when they used Cc.
pub fn plan_reply(
    original: &Original,
    is_own: &dyn Fn(&str) -> bool,
    tag: &str,
    ticket: TicketId,
) -> ReplyPlan {
    let mut to: Vec<Address> = if original.reply_to.is_empty() {
        original.from.cloned().into_iter().collect()
    } else {
        original.reply_to.to_vec()
    };
    to.retain(|a| !is_own(&a.email));
    let mut cc: Vec<Address> = Vec::new();
    for a in original.cc {
        if !is_own(&a.email)
            && !to.iter().any(|t| t.email == a.email)
            && !cc.iter().any(|c: &Address| c.email == a.email)
        {
            cc.push(a.clone());
        }
    }
    let in_reply_to = as_sent(original.message_id).map(str::to_string);
    let mut references: Vec<String> = original.references.to_vec();
    if let Some(id) = &in_reply_to
        && !references.contains(id)
    {
        references.push(id.clone());
    }
    ReplyPlan {
        to,
        cc,
        subject: reply_subject(original.subject, tag, ticket),
        in_reply_to,
        references: trim_references(&references, MAX_REFERENCES),
    }
}

/// Between a reused Message-ID and the hash of the message that reused it, in the id a
/// second message with that Message-ID is stored under.
pub const DUP_MARK: &str = "#dup-";

/// The domain of the id a message with no Message-ID is stored under.
pub const NO_MESSAGE_ID_DOMAIN: &str = "@shopdesk.invalid";

/// What the id a message with no Message-ID is stored under starts with.
pub const NO_MESSAGE_ID_PREFIX: &str = "no-message-id.";

/// The Message-ID a stored message went out with, as the customer's client knows it: a
/// derived id (`<id>#dup-<hash>`, a reused Message-ID) is its original id; a message that
/// had none has none, since an id we made up would thread nowhere in their client.
pub fn as_sent(stored: &str) -> Option<&str> {
    let id = stored.rfind(DUP_MARK).map_or(stored, |at| &stored[..at]);
    let made_up = id.starts_with(NO_MESSAGE_ID_PREFIX) && id.ends_with(NO_MESSAGE_ID_DOMAIN);
    (!id.is_empty() && !made_up).then_some(id)
}

/// Keeps the first id and the newest `max - 1`.
pub fn trim_references(refs: &[String], max: usize) -> Vec<String> {
    if refs.len() <= max || max < 2 {
        return refs
            .iter()
            .take(max.max(refs.len().min(max)))
            .cloned()
            .collect();
    }
    let mut out = vec![refs[0].clone()];
    out.extend(refs[refs.len() - (max - 1)..].iter().cloned());
    out
}

/// The answered text, quoted below an attribution line.
pub fn quote(original: &Original) -> String {
    let who = original
        .from
        .map(|a| a.to_string())
        .unwrap_or_else(|| "you".to_string());
    let when = original
        .date
        .map(|d| d.format("%a, %-d %b %Y %H:%M").to_string());
    let mut out = match when {
        Some(w) => format!("On {w}, {who} wrote:\n"),
        None => format!("{who} wrote:\n"),
    };
    for line in original.text.lines() {
        if line.is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A reply body: the text, the signature after the standard `-- ` separator, then the
/// quote if wanted.
pub fn assemble_body(text: &str, signature: Option<&str>, quoted: Option<&str>) -> String {
    let mut body = text.trim_end().to_string();
    body.push('\n');
    if let Some(sig) = signature.map(str::trim_end).filter(|s| !s.is_empty()) {
        body.push_str("\n-- \n");
        body.push_str(sig);
        body.push('\n');
    }
    if let Some(q) = quoted {
        body.push('\n');
        body.push_str(q);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(e: &str) -> Address {
        Address::new(e, None)
    }

    #[test]
    fn plans_recipients_subject_and_headers() {
        let from = Address::new("anna@example.com", Some("Anna"));
        let refs = vec!["root@x".to_string(), "mid@x".to_string()];
        let cc = vec![
            addr("bob@example.com"),
            addr("support@shop.test"),
            addr("anna@example.com"),
        ];
        let to = vec![addr("support@shop.test")];
        let o = Original {
            message_id: "last@x",
            references: &refs,
            from: Some(&from),
            to: &to,
            cc: &cc,
            subject: "Re: Where is my order?",
            ..Default::default()
        };
        let own = |e: &str| e.ends_with("@shop.test");
        let p = plan_reply(&o, &own, "SHOP", 7);
        assert_eq!(p.to, vec![from.clone()]);
        assert_eq!(p.cc, vec![addr("bob@example.com")]);
        assert_eq!(p.subject, "Re: [SHOP #7] Where is my order?");
        assert_eq!(p.in_reply_to.as_deref(), Some("last@x"));
        assert_eq!(p.references, ["root@x", "mid@x", "last@x"]);

        let rt = vec![addr("orders@anna.example")];
        let o2 = Original { reply_to: &rt, ..o };
        assert_eq!(plan_reply(&o2, &own, "SHOP", 7).to, rt);
    }

    #[test]
    fn threading_headers_carry_the_id_the_customer_knows() {
        let refs = vec!["root@x".to_string()];
        let from = addr("anna@example.com");
        // (stored id of the answered message, In-Reply-To, References)
        let cases: &[(&str, Option<&str>, &[&str])] = &[
            ("last@x", Some("last@x"), &["root@x", "last@x"]),
            // a second message under a reused Message-ID: the id its sender gave it
            (
                "last@x#dup-00ff00ff00ff00ff",
                Some("last@x"),
                &["root@x", "last@x"],
            ),
            (
                "a#dup-b@x#dup-0123456789abcdef",
                Some("a#dup-b@x"),
                &["root@x", "a#dup-b@x"],
            ),
            // a message without one: nothing made up, its own references kept
            (
                "no-message-id.00ff00ff00ff00ff.512@shopdesk.invalid",
                None,
                &["root@x"],
            ),
            (
                "no-message-id.00ff00ff00ff00ff.512@shopdesk.invalid#dup-0123456789abcdef",
                None,
                &["root@x"],
            ),
            ("", None, &["root@x"]),
            ("#dup-0123456789abcdef", None, &["root@x"]),
        ];
        for (stored, irt, references) in cases {
            let o = Original {
                message_id: stored,
                references: &refs,
                from: Some(&from),
                ..Default::default()
            };
            let p = plan_reply(&o, &|_| false, "SHOP", 7);
            assert_eq!(p.in_reply_to.as_deref(), *irt, "{stored}");
            assert_eq!(p.references, *references, "{stored}");
        }
        let none = Original {
            message_id: "no-message-id.00ff00ff00ff00ff.512@shopdesk.invalid",
            from: Some(&from),
            ..Default::default()
        };
        let p = plan_reply(&none, &|_| false, "SHOP", 7);
        assert_eq!((p.in_reply_to, p.references), (None, Vec::new()));
    }

    #[test]
    fn references_keep_first_and_newest() {
        let refs: Vec<String> = (0..30).map(|i| format!("r{i}@x")).collect();
        let t = trim_references(&refs, 5);
        assert_eq!(t, ["r0@x", "r26@x", "r27@x", "r28@x", "r29@x"]);
        assert_eq!(trim_references(&refs[..3], 5).len(), 3);
    }

    #[test]
    fn quotes_and_signature() {
        let from = Address::new("anna@example.com", Some("Anna"));
        let o = Original {
            from: Some(&from),
            text: "Where is it?\n\nThanks",
            ..Default::default()
        };
        let q = quote(&o);
        assert_eq!(
            q,
            "Anna <anna@example.com> wrote:\n> Where is it?\n>\n> Thanks\n"
        );
        let body = assemble_body("It ships today.", Some("Shop team"), Some(&q));
        assert!(
            body.starts_with("It ships today.\n\n-- \nShop team\n\nAnna"),
            "{body}"
        );
    }
}
