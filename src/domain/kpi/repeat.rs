//! Repeat contacts: a customer who writes again within N days after a ticket was solved.
//! Both tickets count as repeat contacts. Pure: the caller hands over one customer's tickets.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use crate::domain::TicketId;

/// Which earlier tickets a new one repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RepeatScope {
    /// Any solved ticket of the same customer, whatever it was about.
    #[default]
    AnySubject,
    /// Only one about the same order (both tickets must name it).
    SameOrder,
}

/// One of a customer's tickets, as the rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactTicket {
    pub id: TicketId,
    pub created_at: DateTime<Utc>,
    pub solved_at: Option<DateTime<Utc>>,
    pub order: Option<String>,
}

/// The earlier ticket that `new` repeats: the one solved most recently at or before `new`
/// was created, no longer than `window` before it, within `scope`.
pub fn repeat_of<'a>(
    earlier: &'a [ContactTicket],
    new: &ContactTicket,
    window: Duration,
    scope: RepeatScope,
) -> Option<&'a ContactTicket> {
    earlier
        .iter()
        .filter(|t| t.id != new.id)
        .filter(|t| {
            t.solved_at
                .is_some_and(|s| s <= new.created_at && new.created_at - s <= window)
        })
        .filter(|t| match scope {
            RepeatScope::AnySubject => true,
            RepeatScope::SameOrder => t.order.is_some() && t.order == new.order,
        })
        .max_by_key(|t| (t.solved_at, t.id))
}

/// Every ticket of one customer's `tickets` that is a repeat contact, either side.
pub fn repeat_contacts(
    tickets: &[ContactTicket],
    window: Duration,
    scope: RepeatScope,
) -> BTreeSet<TicketId> {
    let mut out = BTreeSet::new();
    for t in tickets {
        if let Some(e) = repeat_of(tickets, t, window, scope) {
            out.insert(e.id);
            out.insert(t.id);
        }
    }
    out
}

/// Every repeat contact among `tickets`, each given with its customer: the rule applied to
/// each customer's own tickets.
pub fn repeat_set(
    tickets: impl IntoIterator<Item = (i64, ContactTicket)>,
    window: Duration,
    scope: RepeatScope,
) -> HashSet<TicketId> {
    let mut by_customer: HashMap<i64, Vec<ContactTicket>> = HashMap::new();
    for (customer, t) in tickets {
        by_customer.entry(customer).or_default().push(t);
    }
    let mut out = HashSet::new();
    for tickets in by_customer.values().filter(|t| t.len() > 1) {
        out.extend(repeat_contacts(tickets, window, scope));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::calendar::tests::at;

    fn t(id: TicketId, created: &str, solved: Option<&str>, order: Option<&str>) -> ContactTicket {
        ContactTicket {
            id,
            created_at: at(created),
            solved_at: solved.map(at),
            order: order.map(str::to_string),
        }
    }

    #[test]
    fn repeat_table() {
        let week = Duration::days(7);
        let history = vec![
            t(
                1,
                "2026-11-01T10:00:00Z",
                Some("2026-11-02T10:00:00Z"),
                Some("1001"),
            ),
            t(
                2,
                "2026-11-03T10:00:00Z",
                Some("2026-11-05T10:00:00Z"),
                None,
            ),
            t(3, "2026-11-06T10:00:00Z", None, Some("1002")),
        ];
        // (new ticket, scope, repeats)
        let cases = [
            // three days after #2 was solved: the latest solve wins
            (
                t(9, "2026-11-08T10:00:00Z", None, None),
                RepeatScope::AnySubject,
                Some(2),
            ),
            // exactly seven days after #2: still inside
            (
                t(9, "2026-11-12T10:00:00Z", None, None),
                RepeatScope::AnySubject,
                Some(2),
            ),
            (
                t(9, "2026-11-12T10:00:01Z", None, None),
                RepeatScope::AnySubject,
                None,
            ),
            // same order only: #1 is about 1001, #2 names no order
            (
                t(9, "2026-11-08T10:00:00Z", None, Some("1001")),
                RepeatScope::SameOrder,
                Some(1),
            ),
            (
                t(9, "2026-11-08T10:00:00Z", None, None),
                RepeatScope::SameOrder,
                None,
            ),
            // #3 is not solved, so writing about 1002 again is not a repeat
            (
                t(9, "2026-11-08T10:00:00Z", None, Some("1002")),
                RepeatScope::SameOrder,
                None,
            ),
            // before anything was solved
            (
                t(9, "2026-11-02T09:00:00Z", None, None),
                RepeatScope::AnySubject,
                None,
            ),
        ];
        for (new, scope, want) in cases {
            let got = repeat_of(&history, &new, week, scope).map(|x| x.id);
            assert_eq!(got, want, "{new:?} {scope:?}");
        }
        // over the history itself: #2 (created a day after #1 was solved) repeats #1, and #3
        // (a day after #2 was solved) repeats #2
        let all: Vec<TicketId> = repeat_contacts(&history, week, RepeatScope::AnySubject)
            .into_iter()
            .collect();
        assert_eq!(all, vec![1, 2, 3]);
        assert!(repeat_contacts(&history, Duration::hours(12), RepeatScope::AnySubject).is_empty());
        // over several customers: each customer's tickets on their own, so a solve of one
        // customer's ticket makes no repeat of another's
        let mut mixed: Vec<(i64, ContactTicket)> = history.iter().map(|t| (7, t.clone())).collect();
        mixed.push((8, t(20, "2026-11-02T11:00:00Z", None, None)));
        mixed.push((
            9,
            t(
                30,
                "2026-11-01T00:00:00Z",
                Some("2026-11-01T01:00:00Z"),
                None,
            ),
        ));
        let mut got: Vec<TicketId> = repeat_set(mixed, week, RepeatScope::AnySubject)
            .into_iter()
            .collect();
        got.sort_unstable();
        assert_eq!(got, vec![1, 2, 3]);
    }
}
