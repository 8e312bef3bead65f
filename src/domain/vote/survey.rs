//! Who gets a survey, when, and how it reads in a reply: the rules around `vote`'s links.
//! Pure: the config supplies the patterns and the timing, the mailout asks these functions.

use chrono::{DateTime, Duration, Utc};

use super::{SurveyKind, SurveyLink, Words};

/// When the survey goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyWhen {
    /// Its links ride on the reply that solves the ticket.
    WithSolvingReply,
    /// A survey mail of its own, this long after the ticket was solved (if it still is).
    After(Duration),
}

/// Addresses that never receive a survey: automatic senders, whose "vote" would be noise,
/// and marketplace relays, whose platforms forbid soliciting feedback through them.
pub const NEVER_DEFAULTS: &[&str] = &[
    "noreply@*",
    "no-reply@*",
    "no_reply@*",
    "donotreply@*",
    "do-not-reply@*",
    "do_not_reply@*",
    "mailer-daemon@*",
    "postmaster@*",
    "bounce*@*",
    "*@marketplace.amazon.*",
    "*@members.ebay.*",
    "*@*.ebay.*",
    "*@ebay.*",
    "*@etsy.com",
    "*@*.etsy.com",
];

/// Whether `email` matches one of `patterns`: `*` stands for any run of characters, the
/// rest compares without regard to case.
pub fn never_surveyed(patterns: &[String], email: &str) -> bool {
    let email = email.trim().to_lowercase();
    patterns
        .iter()
        .any(|p| glob(p.trim().to_lowercase().as_bytes(), email.as_bytes()))
}

/// `*`-only glob, iterative with one backtrack point (linear enough for addresses).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

/// The survey as the text of a mail: the question, then one line per answer with its link.
/// A `mailto:` on a line of its own is what every client, plain text or not, makes
/// clickable.
pub fn survey_text(kind: SurveyKind, words: &Words, links: &[SurveyLink]) -> String {
    let mut out = String::new();
    out.push_str(match kind {
        SurveyKind::Csat => words.ask_csat,
        SurveyKind::Nps => words.ask_nps,
    });
    out.push('\n');
    for l in links {
        out.push_str(&format!("{}: <{}>\n", l.label, l.url));
    }
    out
}

/// How long after its due time a delayed survey may still go out. Older solved tickets
/// are left alone, so turning surveys on (or a long pause in syncing) does not mail the
/// whole history.
pub const LATE_LIMIT: Duration = Duration::days(3);

/// Whether a delayed survey is due for a ticket solved at `solved_at`, as of `now`.
pub fn delayed_due(when: SurveyWhen, solved_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    match when {
        SurveyWhen::WithSolvingReply => false,
        SurveyWhen::After(d) => now >= solved_at + d && now < solved_at + d + LATE_LIMIT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_surveyed_matches_defaults_and_own_patterns() {
        let mut patterns: Vec<String> = NEVER_DEFAULTS.iter().map(|s| s.to_string()).collect();
        patterns.push("*@wholesale.example".into());
        #[rustfmt::skip]
        let cases = [
            ("NoReply@shop.example", true),
            ("no-reply@x.test", true),
            ("MAILER-DAEMON@mx.test", true),
            ("bounces+123@lists.test", true),
            ("abc123@marketplace.amazon.de", true),
            ("abc@marketplace.amazon.co.uk", true),
            ("buyer_x@members.ebay.com", true),
            ("shop@etsy.com", true),
            ("x@mail.etsy.com", true),
            ("joe@wholesale.example", true),
            ("anna@example.test", false),
            ("noreplyfan@example.test", false),
            ("amazonian@example.test", false),
            ("me@etsy.com.evil.test", false),
            ("", false),
        ];
        for (email, want) in cases {
            assert_eq!(never_surveyed(&patterns, email), want, "{email}");
        }
    }

    #[test]
    fn glob_star_anywhere() {
        #[rustfmt::skip]
        let cases = [
            ("*", "", true), ("a*b", "ab", true), ("a*b", "axxb", true), ("a*b", "axxbc", false),
            ("*@*.x", "a@b.x", true), ("*@*.x", "a@.x", true), ("a", "ab", false),
            ("**a", "ba", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p.as_bytes(), t.as_bytes()), want, "{p} {t}");
        }
    }

    #[test]
    fn delayed_survey_waits_its_time() {
        let t = |s| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.to_utc())
                .unwrap_or_default()
        };
        let solved = t("2026-11-02T10:00:00Z");
        let after = SurveyWhen::After(Duration::hours(24));
        #[rustfmt::skip]
        let cases = [
            (after, "2026-11-03T09:59:59Z", false),
            (after, "2026-11-03T10:00:00Z", true),
            (after, "2026-11-06T09:59:59Z", true),
            (after, "2026-11-06T10:00:00Z", false),
            (SurveyWhen::WithSolvingReply, "2027-01-01T00:00:00Z", false),
        ];
        for (when, now, want) in cases {
            assert_eq!(delayed_due(when, solved, t(now)), want, "{when:?} {now}");
        }
    }

    #[test]
    fn survey_text_has_one_line_per_answer() {
        let links = super::super::survey_links(
            b"secret",
            "support@shop.test",
            "Re: [SHOP #4] Boots",
            4,
            SurveyKind::Csat,
            Some("de"),
        );
        let text = survey_text(SurveyKind::Csat, &super::super::words(Some("de")), &links);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[1].starts_with("Super: <mailto:support@shop.test?subject="));
        assert!(lines[3].starts_with("Schlecht: <mailto:"));
    }
}
