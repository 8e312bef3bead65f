//! SLA policies: which targets a ticket is held to. Policies are tried in the order they are
//! configured and the first whose every condition holds wins; one without conditions is a
//! catch-all. Pure: a `query` condition is judged by the caller (the store runs queries), so
//! this module only asks.

use chrono::Duration;

use super::clock::Target;
use crate::domain::query::Query;

pub use crate::domain::ticket::Priority;

/// When a running clock counts as approaching its due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approaching {
    /// This long (in business time) before the due time.
    Before(Duration),
    /// Once this share of the target, in percent, has been used.
    Percent(u8),
}

impl Default for Approaching {
    fn default() -> Self {
        Approaching::Percent(80)
    }
}

impl Approaching {
    /// The business time on a clock at which it starts approaching a `target`.
    pub fn threshold(self, target: Duration) -> Duration {
        match self {
            Approaching::Before(d) => (target - d).max(Duration::zero()),
            Approaching::Percent(p) => target * i32::from(p.min(100)) / 100,
        }
    }
}

/// The targets of one policy, each in business time; an unset target has no clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Targets {
    pub first_reply: Option<Duration>,
    pub next_reply: Option<Duration>,
    pub resolution: Option<Duration>,
}

impl Targets {
    pub fn get(&self, target: Target) -> Option<Duration> {
        match target {
            Target::FirstReply => self.first_reply,
            Target::NextReply => self.next_reply,
            Target::Resolution => self.resolution,
        }
    }
}

/// The conditions of a policy; all that are set must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyMatch {
    pub tag: Option<String>,
    pub language: Option<String>,
    pub account: Option<String>,
    pub priority: Option<Priority>,
    pub query: Option<Query>,
}

// A parsed query holds no floating point, so its equality is an equivalence.
impl Eq for PolicyMatch {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub when: PolicyMatch,
    pub targets: Targets,
    /// A calendar from `[[sla.calendar]]` by name; none: the `[sla]` hours.
    pub calendar: Option<String>,
    /// None: the `[sla]` setting.
    pub approaching: Option<Approaching>,
}

/// What policies look at on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject<'a> {
    pub tags: &'a [String],
    pub language: Option<&'a str>,
    pub account: &'a str,
    pub priority: Option<Priority>,
}

impl PolicyMatch {
    /// Whether the conditions hold; `query_holds` answers for a query condition and is only
    /// asked when every other condition already holds.
    pub fn holds(&self, s: &Subject<'_>, query_holds: &mut impl FnMut(&Query) -> bool) -> bool {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        self.tag
            .as_deref()
            .is_none_or(|t| s.tags.iter().any(|x| same(x, t)))
            && self
                .language
                .as_deref()
                .is_none_or(|l| s.language.is_some_and(|x| same(x, l)))
            && self.account.as_deref().is_none_or(|a| a == s.account)
            && self.priority.is_none_or(|p| s.priority == Some(p))
            && self.query.as_ref().is_none_or(&mut *query_holds)
    }
}

/// The first policy whose conditions hold for `s`.
pub fn select_policy<'a>(
    policies: &'a [Policy],
    s: &Subject<'_>,
    mut query_holds: impl FnMut(&Query) -> bool,
) -> Option<&'a Policy> {
    policies.iter().find(|p| p.when.holds(s, &mut query_holds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::query::parse_query;

    fn policy(name: &str, when: PolicyMatch) -> Policy {
        Policy {
            name: name.into(),
            when,
            targets: Targets::default(),
            calendar: None,
            approaching: None,
        }
    }

    #[test]
    fn first_match_wins() {
        let policies = vec![
            policy(
                "urgent-vip",
                PolicyMatch {
                    tag: Some("vip".into()),
                    priority: Some(Priority::Urgent),
                    ..PolicyMatch::default()
                },
            ),
            policy(
                "swedish",
                PolicyMatch {
                    language: Some("sv".into()),
                    ..PolicyMatch::default()
                },
            ),
            policy(
                "refunds",
                PolicyMatch {
                    query: Some(parse_query("refund").expect("query")),
                    ..PolicyMatch::default()
                },
            ),
            policy(
                "wholesale",
                PolicyMatch {
                    account: Some("wholesale".into()),
                    ..PolicyMatch::default()
                },
            ),
            policy("default", PolicyMatch::default()),
        ];
        let vip = vec!["VIP".to_string()];
        let none: Vec<String> = vec![];
        // (tags, language, account, priority, the query holds, chosen)
        let cases = [
            (
                &vip,
                Some("sv"),
                "shop",
                Some(Priority::Urgent),
                false,
                "urgent-vip",
            ),
            (
                &vip,
                Some("sv"),
                "shop",
                Some(Priority::High),
                false,
                "swedish",
            ),
            (&none, Some("SV"), "shop", None, true, "swedish"),
            (&none, Some("en"), "shop", None, true, "refunds"),
            (&none, None, "wholesale", None, false, "wholesale"),
            (&none, None, "shop", None, false, "default"),
        ];
        for (tags, language, account, priority, query, want) in cases {
            let s = Subject {
                tags,
                language,
                account,
                priority,
            };
            let got = select_policy(&policies, &s, |_| query).map(|p| p.name.as_str());
            assert_eq!(got, Some(want), "{s:?}");
        }
        let s = Subject {
            tags: &none,
            language: None,
            account: "shop",
            priority: None,
        };
        assert_eq!(select_policy(&policies[..2], &s, |_| true), None);
    }

    #[test]
    fn approaching_thresholds() {
        let h = Duration::hours;
        let cases = [
            (Approaching::Percent(80), h(10), h(8)),
            (Approaching::Percent(150), h(10), h(10)),
            (
                Approaching::Before(Duration::minutes(30)),
                h(4),
                h(4) - Duration::minutes(30),
            ),
            (Approaching::Before(h(5)), h(4), h(0)),
        ];
        for (a, target, want) in cases {
            assert_eq!(a.threshold(target), want, "{a:?}");
        }
    }
}
