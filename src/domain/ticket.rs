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

#[cfg(test)]
mod tests {
    use super::*;

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
