//! Why a message is on its ticket: the rule that placed it, what that rule matched, and
//! what deserves a second look. Recorded with the message when it is threaded (and when
//! an agent moves it), so the answer never has to be guessed again later; shown by
//! `show`, `show --json` (`"placed"`) and the console's thread view.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{PlacedBy, TicketId};

/// What the placing rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Matched {
    /// The message's own Message-ID was already on the ticket: a copy from a second
    /// folder, or our own reply, which the outbox knew (`message` is then `None`).
    SameMessageId {
        message_id: String,
        message: Option<i64>,
    },
    /// Our subject token. `number` is the ticket it names, which may be a merged ticket's:
    /// the message then lands on the survivor.
    Token { token: String, number: TicketId },
    /// In-Reply-To or References named a message on the ticket (`message`, its row; `None`
    /// for our reply still in the outbox).
    Answers {
        message_id: String,
        message: Option<i64>,
    },
    /// A mail system's report (a bounce, a read receipt) about a message on the ticket
    /// (`message`, its row; `None` for our reply still in the outbox).
    Reports {
        message_id: String,
        message: Option<i64>,
    },
    /// An earlier ticket of the same customer with the same normalised subject.
    Subject {
        ticket: TicketId,
        subject: String,
        customer: String,
    },
    /// An agent moved it here (a move, a split, a merge); `before` is where threading had
    /// put it, which an undo restores.
    Moved {
        agent: String,
        from: TicketId,
        before: Box<Placed>,
    },
}

/// A message's placement as recorded: the public `"placed"` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub by: PlacedBy,
    /// `None` for a message that started its ticket, and for mail stored before placements
    /// were recorded.
    pub matched: Option<Matched>,
    /// Threading's own doubts: a stranger's token, a reused Message-ID.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Placed {
    /// A placement as stored: its record, or its rule alone for mail stored before
    /// placements were recorded, or by a later version whose record this one cannot read
    /// (a kind of match it does not know): what it says is still shown, nothing fails.
    pub fn from_stored(json: Option<&str>, by: PlacedBy) -> Placed {
        json.and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_else(|| Placed::rule_only(by))
    }

    /// What is known of mail stored before placements were recorded: the rule only.
    pub fn rule_only(by: PlacedBy) -> Placed {
        Placed {
            by,
            matched: None,
            warnings: Vec::new(),
        }
    }

    /// An agent moved the message from ticket `from`: manual, remembering where it was.
    pub fn moved(self, agent: &str, from: TicketId) -> Placed {
        Placed {
            by: PlacedBy::Manual,
            matched: Some(Matched::Moved {
                agent: agent.to_string(),
                from,
                before: Box::new(self),
            }),
            warnings: Vec::new(),
        }
    }

    /// Where threading had put a moved message (an undo's target), else itself.
    pub fn before_move(self) -> Placed {
        match self.matched {
            Some(Matched::Moved { before, .. }) => *before,
            _ => self,
        }
    }
}

/// One line for people: "token [SHOP #12]", "answers <a1@x> (message 3)", …
impl fmt::Display for Placed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.matched {
            None if self.by == PlacedBy::New => f.write_str("started this ticket"),
            None => write!(f, "placed by {}", self.by.as_str()),
            Some(m) => m.fmt(f),
        }
    }
}

impl fmt::Display for Matched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Matched::SameMessageId {
                message_id,
                message,
            } => {
                write!(f, "its Message-ID <{message_id}> was already here")?;
                match message {
                    Some(m) => write!(f, " (message {m})"),
                    None => f.write_str(" (our reply in the outbox)"),
                }
            }
            Matched::Token { token, .. } => write!(f, "our token {token}"),
            Matched::Answers {
                message_id,
                message,
            } => {
                write!(f, "answers <{message_id}>")?;
                match message {
                    Some(m) => write!(f, " (message {m})"),
                    None => f.write_str(" (our reply in the outbox)"),
                }
            }
            Matched::Reports {
                message_id,
                message,
            } => {
                write!(f, "a mail system's report on <{message_id}>")?;
                match message {
                    Some(m) => write!(f, " (message {m})"),
                    None => f.write_str(" (our reply in the outbox)"),
                }
            }
            Matched::Subject {
                ticket,
                subject,
                customer,
            } => write!(
                f,
                "same customer {customer} and subject \"{subject}\" as #{ticket}"
            ),
            Matched::Moved { agent, from, .. } => write!(f, "moved here from #{from} by {agent}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(by: PlacedBy, matched: Option<Matched>) -> Placed {
        Placed {
            by,
            matched,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn lines_say_what_matched() {
        let token = Matched::Token {
            token: "[SHOP #12]".into(),
            number: 12,
        };
        #[rustfmt::skip]
        let cases = [
            (placed(PlacedBy::New, None), "started this ticket"),
            (placed(PlacedBy::Subject, None), "placed by subject"),
            (placed(PlacedBy::Token, Some(token.clone())), "our token [SHOP #12]"),
            (placed(PlacedBy::References, Some(Matched::Answers {
                message_id: "a1@x".into(), message: Some(3) })),
             "answers <a1@x> (message 3)"),
            (placed(PlacedBy::References, Some(Matched::Answers {
                message_id: "r@shop".into(), message: None })),
             "answers <r@shop> (our reply in the outbox)"),
            (placed(PlacedBy::References, Some(Matched::Reports {
                message_id: "r@shop".into(), message: Some(5) })),
             "a mail system's report on <r@shop> (message 5)"),
            (placed(PlacedBy::References, Some(Matched::SameMessageId {
                message_id: "a1@x".into(), message: Some(3) })),
             "its Message-ID <a1@x> was already here (message 3)"),
            (placed(PlacedBy::Subject, Some(Matched::Subject {
                ticket: 4, subject: "where is my order?".into(), customer: "anna@x".into() })),
             "same customer anna@x and subject \"where is my order?\" as #4"),
            (placed(PlacedBy::Token, Some(token)).moved("alice", 12),
             "moved here from #12 by alice"),
        ];
        for (p, want) in cases {
            assert_eq!(p.to_string(), want);
        }
    }

    #[test]
    fn a_stored_record_this_version_cannot_read_keeps_its_rule() {
        let known = r#"{"by":"token","matched":{"what":"token","token":"[SHOP #1]","number":1},"warnings":[]}"#;
        let later =
            r#"{"by":"references","matched":{"what":"carrier_pigeon","n":1},"warnings":[]}"#;
        let cases = [
            (Some(known), PlacedBy::Token, "our token [SHOP #1]"),
            (Some(later), PlacedBy::References, "placed by references"),
            (Some("not json"), PlacedBy::Subject, "placed by subject"),
            (None, PlacedBy::New, "started this ticket"),
        ];
        for (json, by, want) in cases {
            assert_eq!(Placed::from_stored(json, by).to_string(), want, "{json:?}");
        }
    }

    #[test]
    fn a_move_remembers_what_an_undo_restores() {
        let original = Placed {
            by: PlacedBy::Token,
            matched: Some(Matched::Token {
                token: "[SHOP #2]".into(),
                number: 2,
            }),
            warnings: vec!["a stranger".into()],
        };
        let moved = original.clone().moved("alice", 2).moved("bob", 5);
        assert_eq!(moved.by, PlacedBy::Manual);
        assert_eq!(moved.clone().before_move().before_move(), original);
        assert_eq!(original.clone().before_move(), original);
    }

    /// The stored form is read back by later versions: pinned.
    #[test]
    fn json_is_stable() {
        let p = Placed {
            by: PlacedBy::Token,
            matched: Some(Matched::Token {
                token: "[SHOP #2]".into(),
                number: 2,
            }),
            warnings: Vec::new(),
        };
        let json = r#"{"by":"token","matched":{"what":"token","token":"[SHOP #2]","number":2},"warnings":[]}"#;
        assert_eq!(serde_json::to_string(&p).expect("ser"), json);
        assert_eq!(serde_json::from_str::<Placed>(json).expect("de"), p);
    }
}
