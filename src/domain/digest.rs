//! The service-level digest mail to the owner as plain text: the tickets approaching or past
//! a target, breached first by due time, and the bad votes that came in since the last
//! digest. Which rows and votes go in, and when a digest is due, is the caller's; this
//! decides only what the mail says, and that there is nothing to say.

use chrono::{DateTime, Duration, Utc};

use crate::domain::TicketId;
use crate::domain::sla::Zone;

/// One clock at a stage, with what the owner needs to recognise its ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRow {
    pub ticket: TicketId,
    pub subject: String,
    /// first_reply | next_reply | resolution
    pub target: String,
    /// approaching | breached
    pub stage: String,
    /// None when the calendar never opens.
    pub due_at: Option<DateTime<Utc>>,
    pub policy: String,
}

/// A bad CSAT or NPS vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestVote {
    pub ticket: TicketId,
    pub subject: String,
    /// `bad`, or the NPS score
    pub score: String,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// A digest ready to be mailed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub body: String,
}

/// The digest of `rows` and `votes`, times shown in `zone`; None when there is nothing to
/// report (an empty digest would teach the owner to ignore them).
pub fn render(rows: &[DigestRow], votes: &[DigestVote], zone: &Zone) -> Option<Digest> {
    if rows.is_empty() && votes.is_empty() {
        return None;
    }
    let mut rows: Vec<&DigestRow> = rows.iter().collect();
    // breached first; within a stage the earliest due first, a due time never reached last
    rows.sort_by_key(|r| {
        (
            r.stage != "breached",
            r.due_at.is_none(),
            r.due_at,
            r.ticket,
        )
    });
    let breached = rows.iter().filter(|r| r.stage == "breached").count();
    let approaching = rows.len() - breached;
    let mut parts = Vec::new();
    if breached > 0 || approaching > 0 || votes.is_empty() {
        parts.push(format!("{breached} breached, {approaching} approaching"));
    }
    if !votes.is_empty() {
        parts.push(format!("{} bad vote(s)", votes.len()));
    }
    let subject = format!("shopdesk: {}", parts.join(", "));
    let local = |t: DateTime<Utc>| zone.local(t).format("%Y-%m-%d %H:%M").to_string();
    let mut body = String::new();
    for (stage, title) in [("breached", "Breached"), ("approaching", "Approaching")] {
        let of_stage: Vec<&&DigestRow> = rows.iter().filter(|r| r.stage == stage).collect();
        if of_stage.is_empty() {
            continue;
        }
        body.push_str(&format!("{title}:\n"));
        for r in of_stage {
            let due = r.due_at.map_or_else(|| "never".to_string(), local);
            let policy = if r.policy.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.policy)
            };
            body.push_str(&format!(
                "  #{} {}\n    {} due {}{}\n",
                r.ticket,
                one_line(&r.subject),
                r.target.replace('_', " "),
                due,
                policy
            ));
        }
        body.push('\n');
    }
    if !votes.is_empty() {
        body.push_str("Bad votes:\n");
        let mut votes: Vec<&DigestVote> = votes.iter().collect();
        votes.sort_by_key(|v| (v.at, v.ticket));
        for v in votes {
            body.push_str(&format!(
                "  #{} {}\n    {} at {}\n",
                v.ticket,
                one_line(&v.subject),
                v.score,
                local(v.at)
            ));
            if let Some(c) = v
                .comment
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                body.push_str(&format!("    \"{}\"\n", one_line(c)));
            }
        }
        body.push('\n');
    }
    body.push_str("Times are the shop's local time.\n");
    Some(Digest { subject, body })
}

/// Subjects and comments on one line each, so a stray line break cannot make up a row.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The start of the digest period `now` falls in: periods of `every`, counted from the
/// Unix epoch, so every process agrees on them without talking to each other.
pub fn period_start(now: DateTime<Utc>, every: Duration) -> i64 {
    let span = every.num_seconds().max(1);
    now.timestamp().div_euclid(span) * span
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn row(ticket: TicketId, stage: &str, due: Option<&str>) -> DigestRow {
        DigestRow {
            ticket,
            subject: format!("Parcel {ticket}"),
            target: "first_reply".into(),
            stage: stage.into(),
            due_at: due.map(at),
            policy: "default".into(),
        }
    }

    fn vote(ticket: TicketId) -> DigestVote {
        DigestVote {
            ticket,
            subject: "Late\nboots".into(),
            score: "bad".into(),
            comment: Some("Took a week".into()),
            at: at("2026-11-24T09:30:00Z"),
        }
    }

    /// A case: its name, the rows and votes, and the subject and the lines the body must
    /// hold in this order (None: no digest).
    type Case = (
        &'static str,
        Vec<DigestRow>,
        Vec<DigestVote>,
        Option<(&'static str, Vec<&'static str>)>,
    );

    #[test]
    fn renders_breached_first_by_due_time() {
        let cet = Zone::Fixed(FixedOffset::east_opt(3600).expect("offset"));
        let b1 = row(1, "breached", Some("2026-11-24T10:00:00Z"));
        let b2 = row(2, "breached", Some("2026-11-24T08:00:00Z"));
        let a3 = row(3, "approaching", Some("2026-11-24T12:00:00Z"));
        let a4 = row(4, "approaching", None);
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("nothing to say", vec![], vec![], None),
            ("breached and approaching",
             vec![a4.clone(), b1.clone(), a3.clone(), b2.clone()], vec![],
             Some(("shopdesk: 2 breached, 2 approaching",
                   vec!["Breached:", "#2 Parcel 2", "first reply due 2026-11-24 09:00 (default)",
                        "#1 Parcel 1", "due 2026-11-24 11:00", "Approaching:", "#3 Parcel 3",
                        "due 2026-11-24 13:00", "#4 Parcel 4", "due never"]))),
            ("votes alone", vec![], vec![vote(7)],
             Some(("shopdesk: 1 bad vote(s)",
                   vec!["Bad votes:", "#7 Late boots", "bad at 2026-11-24 10:30",
                        "\"Took a week\""]))),
            ("both", vec![b1.clone()], vec![vote(7)],
             Some(("shopdesk: 1 breached, 0 approaching, 1 bad vote(s)",
                   vec!["Breached:", "#1 Parcel 1", "Bad votes:", "#7 Late boots"]))),
        ];
        for (name, rows, votes, want) in cases {
            let got = render(&rows, &votes, &cet);
            match (got, want) {
                (None, None) => {}
                (Some(d), Some((subject, lines))) => {
                    assert_eq!(d.subject, subject, "{name}");
                    let mut rest = d.body.as_str();
                    for line in lines {
                        let i = rest
                            .find(line)
                            .unwrap_or_else(|| panic!("{name}: `{line}` in order in\n{}", d.body));
                        rest = &rest[i + line.len()..];
                    }
                }
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn periods_are_whole_spans_from_the_epoch() {
        let hour = Duration::hours(1);
        #[rustfmt::skip]
        let cases = [
            ("2026-11-24T10:00:00Z", hour, "2026-11-24T10:00:00Z"),
            ("2026-11-24T10:59:59Z", hour, "2026-11-24T10:00:00Z"),
            ("2026-11-24T11:00:00Z", hour, "2026-11-24T11:00:00Z"),
            ("2026-11-24T10:20:00Z", Duration::minutes(15), "2026-11-24T10:15:00Z"),
            ("2026-11-24T10:20:00Z", Duration::days(1), "2026-11-24T00:00:00Z"),
        ];
        for (now, every, want) in cases {
            assert_eq!(period_start(at(now), every), at(want).timestamp(), "{now}");
        }
    }
}
