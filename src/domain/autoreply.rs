//! RFC 3834 loop protection: which messages may get an automatic answer.

use super::message::AutoHeaders;

/// Automatic mails one sender gets at most in [`RATE_WINDOW_SECS`].
pub const RATE_LIMIT: i64 = 3;
pub const RATE_WINDOW_SECS: i64 = 3 * 3600;

/// Why a message gets no automatic answer, or `None` when it may get one.
pub fn refuse_reason(
    auto: &AutoHeaders,
    from: &str,
    is_own: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let from = from.trim().to_lowercase();
    if from.is_empty() {
        return Some("no sender address".into());
    }
    if is_own(&from) {
        return Some("sent from one of our own addresses".into());
    }
    if let Some(a) = &auto.auto_submitted {
        let v = a.split(';').next().unwrap_or("").trim().to_lowercase();
        if v != "no" {
            return Some(format!("Auto-Submitted: {v}"));
        }
    }
    if let Some(p) = &auto.precedence {
        let v = p.trim().to_lowercase();
        if matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply") {
            return Some(format!("Precedence: {v}"));
        }
    }
    if auto.list_id.is_some() {
        return Some("mailing list (List-Id)".into());
    }
    if auto.list_unsubscribe.is_some() {
        return Some("mailing list or newsletter (List-Unsubscribe)".into());
    }
    if auto.return_path.as_deref() == Some("") {
        return Some("empty return path (a bounce)".into());
    }
    let local = from.split('@').next().unwrap_or("");
    if matches!(
        local,
        "mailer-daemon"
            | "postmaster"
            | "noreply"
            | "no-reply"
            | "donotreply"
            | "do-not-reply"
            | "bounce"
            | "bounces"
    ) || local.starts_with("owner-")
        || local.ends_with("-request")
    {
        return Some(format!("{local}@ is an automatic sender"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3834_table() {
        let own = |e: &str| e == "shop@example.test";
        let h = |f: fn(&mut AutoHeaders)| {
            let mut a = AutoHeaders::default();
            f(&mut a);
            a
        };
        let cases: Vec<(&str, AutoHeaders, &str, bool)> = vec![
            (
                "plain customer",
                AutoHeaders::default(),
                "anna@example.com",
                true,
            ),
            (
                "auto-submitted: no",
                h(|a| a.auto_submitted = Some("no".into())),
                "anna@example.com",
                true,
            ),
            (
                "auto-replied",
                h(|a| a.auto_submitted = Some("auto-replied".into())),
                "anna@example.com",
                false,
            ),
            (
                "auto-generated",
                h(|a| a.auto_submitted = Some("Auto-Generated; x".into())),
                "anna@example.com",
                false,
            ),
            (
                "precedence bulk",
                h(|a| a.precedence = Some("bulk".into())),
                "news@example.com",
                false,
            ),
            (
                "precedence junk",
                h(|a| a.precedence = Some("JUNK".into())),
                "x@example.com",
                false,
            ),
            (
                "precedence list",
                h(|a| a.precedence = Some("list".into())),
                "x@example.com",
                false,
            ),
            (
                "list-id",
                h(|a| a.list_id = Some("<l.example.com>".into())),
                "x@example.com",
                false,
            ),
            (
                "list-unsubscribe",
                h(|a| a.list_unsubscribe = Some("<mailto:u@x>".into())),
                "x@example.com",
                false,
            ),
            (
                "empty return path",
                h(|a| a.return_path = Some(String::new())),
                "x@example.com",
                false,
            ),
            (
                "return path set",
                h(|a| a.return_path = Some("x@example.com".into())),
                "x@example.com",
                true,
            ),
            (
                "mailer-daemon",
                AutoHeaders::default(),
                "MAILER-DAEMON@example.com",
                false,
            ),
            (
                "postmaster",
                AutoHeaders::default(),
                "postmaster@example.com",
                false,
            ),
            (
                "noreply",
                AutoHeaders::default(),
                "no-reply@shop.example",
                false,
            ),
            (
                "list owner",
                AutoHeaders::default(),
                "owner-list@example.com",
                false,
            ),
            (
                "our own address",
                AutoHeaders::default(),
                "shop@example.test",
                false,
            ),
            ("no sender", AutoHeaders::default(), "", false),
        ];
        for (name, auto, from, ok) in cases {
            assert_eq!(refuse_reason(&auto, from, &own).is_none(), ok, "{name}");
        }
    }
}
