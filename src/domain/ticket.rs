//! Tickets: a conversation with one customer, and its life cycle.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Row id of a ticket; also the number shown to customers in `[TAG #id]`.
pub type TicketId = i64;

/// new → open → pending (waiting on customer) → solved → closed; a customer reply reopens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Open,
    Pending,
    Solved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::Solved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Solved => "solved",
            Status::Closed => "closed",
        }
    }

    /// The status a ticket takes when the customer writes again.
    pub fn on_customer_reply(self) -> Status {
        match self {
            Status::New => Status::New,
            _ => Status::Open,
        }
    }

    /// The status a ticket takes when the shop answers, from shopdesk or any other mail
    /// client: what waited on us now waits on the customer (`to`, `[sync]
    /// shop_reply_status`); a pending, solved or closed ticket stays as it is.
    pub fn on_shop_reply(self, to: Status) -> Status {
        if self.is_active() { to } else { self }
    }

    /// Where a conversation found in a mailbox's history (mail that was there before its
    /// first sync) stands: quiet for longer than `cutoff_secs`, solved; else waiting on
    /// the customer if the shop spoke last, on us otherwise.
    pub fn settled(
        last_in: Option<i64>,
        last_out: Option<i64>,
        now: i64,
        cutoff_secs: i64,
    ) -> Status {
        let last = last_in.max(last_out).unwrap_or(0);
        match (last_in, last_out) {
            _ if last < now - cutoff_secs => Status::Solved,
            (_, Some(out)) if last_in.is_none_or(|i| out >= i) => Status::Pending,
            (_, Some(_)) => Status::Open,
            (_, None) => Status::New,
        }
    }

    /// Whether the ticket still waits for someone on our side.
    pub fn is_active(self) -> bool {
        matches!(self, Status::New | Status::Open)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown status '{0}' (expected one of: new, open, pending, solved, closed)")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

/// How urgent a ticket is: set by an agent (`priority ID LEVEL`, `:priority`), read by the
/// service-level policies that single out urgent work. Normal until someone says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// The stored `tickets.priority`: 0 is normal, so tickets from before it are normal.
    pub fn level(self) -> i64 {
        match self {
            Priority::Low => -1,
            Priority::Normal => 0,
            Priority::High => 1,
            Priority::Urgent => 2,
        }
    }

    /// The priority stored as `level`; out of range reads as the nearest end.
    pub fn from_level(level: i64) -> Priority {
        match level {
            i64::MIN..=-1 => Priority::Low,
            0 => Priority::Normal,
            1 => Priority::High,
            _ => Priority::Urgent,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "low" => Priority::Low,
            "normal" => Priority::Normal,
            "high" => Priority::High,
            "urgent" => Priority::Urgent,
            _ => return Err(format!("`{s}`: use low, normal, high or urgent")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_replies_and_history() {
        use Status::*;
        for (from, to) in [
            (New, Pending),
            (Open, Pending),
            (Pending, Pending),
            (Solved, Solved),
            (Closed, Closed),
        ] {
            assert_eq!(from.on_shop_reply(Pending), to, "{from:?}");
        }
        assert_eq!(New.on_shop_reply(Open), Open);
        let day = 86_400;
        let now = 100 * day;
        #[rustfmt::skip]
        let cases = [
            // last in, last out, status
            (Some(now - 20 * day), None, Solved),
            (Some(now - 20 * day), Some(now - 15 * day), Solved),
            (Some(now - 2 * day), None, New),
            (Some(now - 3 * day), Some(now - 2 * day), Pending),
            (Some(now - 2 * day), Some(now - 3 * day), Open),
            (None, Some(now - day), Pending),
            (None, Some(now - 30 * day), Solved),
            (None, None, Solved),
        ];
        for (last_in, last_out, want) in cases {
            assert_eq!(
                Status::settled(last_in, last_out, now, 14 * day),
                want,
                "{last_in:?} {last_out:?}"
            );
        }
    }

    #[test]
    fn status_round_trips_and_rejects_unknown() {
        for st in Status::ALL {
            assert_eq!(st.as_str().parse::<Status>(), Ok(st));
        }
        assert_eq!("PENDING".parse::<Status>(), Ok(Status::Pending));
        assert!("waiting".parse::<Status>().is_err());
    }

    #[test]
    fn customer_reply_reopens() {
        assert_eq!(Status::Pending.on_customer_reply(), Status::Open);
        assert_eq!(Status::Solved.on_customer_reply(), Status::Open);
        assert_eq!(Status::Closed.on_customer_reply(), Status::Open);
        assert_eq!(Status::New.on_customer_reply(), Status::New);
    }
}
