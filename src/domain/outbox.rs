//! The outbox's rules as plain data: the kinds of outgoing mail, the states of a row, which
//! step a claimed row needs next, and how failures are retried. The store keeps the rows
//! and the send worker does the I/O; what to do, and when, is decided here.

use std::fmt;
use std::str::FromStr;

use super::TicketId;

/// What an outgoing message is. Automatic kinds never count as an agent's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// An agent's (or a script's) answer on a ticket.
    Reply,
    /// The automatic acknowledgement of a new ticket.
    AutoAck,
    /// The satisfaction survey, sent a while after the ticket was solved.
    Survey,
    /// The service-level digest to the shop's owner, on no ticket.
    Digest,
}

impl ReplyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Reply => "reply",
            ReplyKind::AutoAck => "auto_ack",
            ReplyKind::Survey => "survey",
            ReplyKind::Digest => "digest",
        }
    }

    /// Sent by shopdesk on its own: does not answer the customer, RFC 3834 applies.
    pub fn is_automatic(self) -> bool {
        !matches!(self, ReplyKind::Reply)
    }

    /// RFC 3834's `Auto-Submitted` value: an acknowledgement answers a message
    /// (`auto-replied`); a survey or a digest is sent on a timer, answering nothing
    /// (`auto-generated`).
    pub fn auto_submitted(self) -> Option<&'static str> {
        match self {
            ReplyKind::Reply => None,
            ReplyKind::AutoAck => Some("auto-replied"),
            ReplyKind::Survey | ReplyKind::Digest => Some("auto-generated"),
        }
    }
}

impl FromStr for ReplyKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reply" => Ok(ReplyKind::Reply),
            "auto_ack" => Ok(ReplyKind::AutoAck),
            "survey" => Ok(ReplyKind::Survey),
            "digest" => Ok(ReplyKind::Digest),
            other => Err(UnknownValue::new("outbox kind", other)),
        }
    }
}

impl fmt::Display for ReplyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a row is: `queued` → `sending` (claimed by one sender) → `sent`; or `failed`
/// (retried after a backoff unless the refusal was permanent) or `cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Queued,
    Sending,
    Sent,
    Failed,
    Cancelled,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Cancelled => "cancelled",
        }
    }

    /// Still to be sent (or being sent): what `outbox list` shows by default.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            OutboxState::Queued | OutboxState::Sending | OutboxState::Failed
        )
    }
}

impl FromStr for OutboxState {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "queued" => Ok(OutboxState::Queued),
            "sending" => Ok(OutboxState::Sending),
            "sent" => Ok(OutboxState::Sent),
            "failed" => Ok(OutboxState::Failed),
            "cancelled" => Ok(OutboxState::Cancelled),
            other => Err(UnknownValue::new("outbox state", other)),
        }
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The newest failed row, as a status bar tells it: the ticket it answers (none for a
/// digest), what went wrong, and whether the server refused it for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxFailure {
    pub ticket: Option<TicketId>,
    pub error: String,
    pub permanent: bool,
}

/// A stored value that no variant names (a database written by a newer version).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

impl UnknownValue {
    fn new(what: &'static str, value: &str) -> UnknownValue {
        UnknownValue {
            what,
            value: value.to_string(),
        }
    }
}

/// What the outbox knows of a row's progress, as the crash-safe marks record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// An earlier attempt passed its last check and began sending the content.
    pub data_started: bool,
    /// The content and its final dot reached the server in an earlier attempt, and no
    /// answer was recorded: the server has the whole message.
    pub content_out: bool,
    /// The server answered the final dot with 250.
    pub delivered: bool,
    /// An APPEND of the Sent copy began in an earlier attempt, and its end was not recorded.
    pub filing_started: bool,
    /// The Sent copy is filed.
    pub appended: bool,
}

/// The next thing a claimed row needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An earlier attempt stopped after the server had the whole message, and the server
    /// files what it relays: its Sent folder says whether it was accepted.
    CheckSentThenSend,
    /// An earlier attempt stopped after the server had the whole message: it counts as
    /// delivered, marked unconfirmed (see [`next_step`]).
    AssumeDelivered,
    /// Hand it to SMTP.
    Send,
    /// An earlier APPEND was cut off: look for the copy by Message-ID before filing again.
    CheckSentThenFile,
    /// File the copy in Sent.
    File,
    /// Delivered and filed (or nothing to file): join the ticket and mark it sent.
    Finish,
}

/// Which step a claimed row needs, from its marks. `save_sent`: we file the Sent copy
/// ourselves (false for servers such as Gmail that file what they relay).
///
/// A sender killed while the content was still going out never delivered: the server
/// discards a DATA without its final dot, so the reply is simply sent again. Killed after
/// the server had the whole message (content and dot flushed) but before its answer was
/// recorded, the server has nearly always accepted it — it commits on the dot whether or
/// not the client stays to hear the answer — so sending again would reach the customer
/// twice. Such a reply counts as delivered, marked unconfirmed; where the server files
/// relayed mail, its Sent folder settles the question instead.
pub fn next_step(p: Progress, save_sent: bool) -> Step {
    match (p.delivered, p.content_out) {
        (false, true) if !save_sent => Step::CheckSentThenSend,
        (false, true) => Step::AssumeDelivered,
        (false, false) => Step::Send,
        (true, _) if !save_sent || p.appended => Step::Finish,
        (true, _) if p.filing_started => Step::CheckSentThenFile,
        (true, _) => Step::File,
    }
}

/// Retry delay after `attempts` failed attempts: 30 s doubling to an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    (30i64 << (attempts - 1).clamp(0, 7)).min(3600)
}

/// When row `index` of a batch paced at `per_minute` is due, in seconds after the first.
/// Rounded up: due times are whole seconds counted from the second the batch was queued
/// in, so a rounded-down offset could let the batch finish up to a second early.
pub fn pace_offset_secs(index: usize, per_minute: u32) -> i64 {
    if per_minute == 0 {
        return 0;
    }
    (index as f64 * 60.0 / f64::from(per_minute)).ceil() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_the_marks() {
        let p = |content_out, delivered, filing_started, appended| Progress {
            data_started: content_out,
            content_out,
            delivered,
            filing_started,
            appended,
        };
        #[rustfmt::skip]
        let cases = [
            // (content out, delivered, filing, appended), save_sent, step
            (p(false, false, false, false), true,  Step::Send),
            (p(false, false, false, false), false, Step::Send),
            (p(true,  false, false, false), true,  Step::AssumeDelivered),
            (p(true,  false, false, false), false, Step::CheckSentThenSend),
            (p(true,  true,  false, false), true,  Step::File),
            (p(false, true,  false, false), true,  Step::File),
            (p(true,  true,  true,  false), true,  Step::CheckSentThenFile),
            (p(true,  true,  true,  true),  true,  Step::Finish),
            (p(true,  true,  false, false), false, Step::Finish),
            (p(true,  true,  true,  false), false, Step::Finish),
        ];
        for (progress, save_sent, want) in cases {
            assert_eq!(
                next_step(progress, save_sent),
                want,
                "{progress:?} {save_sent}"
            );
        }
    }

    #[test]
    fn backoff_doubles_to_an_hour() {
        let got: Vec<i64> = (1..=9).map(backoff_secs).collect();
        assert_eq!(got, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff_secs(0), 30);
    }

    #[test]
    fn paced_rows_spread_over_the_minute() {
        let offsets: Vec<i64> = (0..6).map(|i| pace_offset_secs(i, 120)).collect();
        assert_eq!(offsets, [0, 1, 1, 2, 2, 3]);
        assert_eq!(pace_offset_secs(59, 60), 59);
        assert_eq!(pace_offset_secs(7, 0), 0);
    }

    #[test]
    fn names_round_trip() {
        for s in [
            OutboxState::Queued,
            OutboxState::Sending,
            OutboxState::Sent,
            OutboxState::Failed,
            OutboxState::Cancelled,
        ] {
            assert_eq!(s.as_str().parse::<OutboxState>(), Ok(s));
        }
        for k in [
            ReplyKind::Reply,
            ReplyKind::AutoAck,
            ReplyKind::Survey,
            ReplyKind::Digest,
        ] {
            assert_eq!(k.as_str().parse::<ReplyKind>(), Ok(k));
        }
        assert!("sending?".parse::<OutboxState>().is_err());
    }
}
