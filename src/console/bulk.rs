//! Bulk actions performed: the ids marks need, the plan a preview shows (what would happen
//! to each ticket, and why some are skipped), and applying it, each action over all its
//! tickets in one transaction through the same store calls as the single-ticket verbs.
//! The templated reply is `mailout::bulk`, shared with `bulk-reply`, so a reply either
//! sent is never sent again by the other.

use rusqlite::Connection;

use crate::app::{BulkAction, BulkEffect, BulkEvent, BulkPlan, Event, Outcome, PlanRow};
use crate::config::Config;
use crate::domain::query::parse_query;
use crate::domain::views::TicketSummary;
use crate::domain::{EventSource, TicketId};
use crate::mailout::bulk::{self as replies, Skip};
use crate::store::events::atomically;
use crate::store::query_sql::{QueryContext, ticket_query};
use crate::store::{StoreError, corrections, read, search, ticket_ops};
use crate::templates::Templates;

const SOURCE: EventSource = EventSource::Console;

/// What a bulk effect needs from the runner.
pub struct BulkRunner<'a> {
    pub config: &'a Config,
    pub templates: &'a Templates,
    pub ctx: &'a QueryContext,
}

impl BulkRunner<'_> {
    pub fn perform(&self, conn: &Connection, fx: BulkEffect) -> anyhow::Result<Vec<Event>> {
        Ok(match fx {
            BulkEffect::LoadIds {
                query,
                offset,
                limit,
                purpose,
            } => {
                let ids = match parse_query(&query) {
                    Ok(q) => search::run_ids(conn, &ticket_query(&q, self.ctx, limit, offset))?,
                    Err(_) => Vec::new(),
                };
                vec![Event::Bulk(BulkEvent::Ids {
                    query,
                    offset,
                    purpose,
                    ids,
                })]
            }
            BulkEffect::Plan { action, tickets } => {
                let rows = self.plan(conn, &action, &tickets)?;
                vec![Event::Bulk(BulkEvent::Planned(BulkPlan {
                    action,
                    rows,
                    scroll: 0,
                }))]
            }
            BulkEffect::Apply { action, tickets } => {
                let said = self.apply(conn, &action, &tickets)?;
                vec![Event::Bulk(BulkEvent::Applied(said)), Event::DataChanged]
            }
        })
    }

    fn plan(
        &self,
        conn: &Connection,
        action: &BulkAction,
        tickets: &[TicketId],
    ) -> anyhow::Result<Vec<PlanRow>> {
        let summaries = read::ticket_summaries(conn, tickets)?;
        let row = |t: &TicketSummary, outcome: Outcome| PlanRow {
            ticket: t.id,
            title: format!("{} · {}", t.customer.label(), t.subject),
            outcome,
        };
        if let BulkAction::Reply(template) = action {
            let ready = replies::plan(
                conn,
                self.config,
                self.templates,
                tickets,
                template,
                None,
                &self.config.agent,
            )?;
            return Ok(summaries
                .iter()
                .map(|t| {
                    let outcome = match ready.skipped.get(&t.id) {
                        Some(skip) => Outcome::Skip(skip.group()),
                        None => {
                            let to = ready
                                .ready
                                .iter()
                                .find(|(p, _)| p.ticket == t.id)
                                .map(|(p, _)| {
                                    p.to.iter()
                                        .map(|a| a.email.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                })
                                .unwrap_or_default();
                            Outcome::Apply(format!("to {to}"))
                        }
                    };
                    row(t, outcome)
                })
                .collect());
        }
        Ok(summaries
            .iter()
            .map(|t| row(t, change_of(action, t)))
            .collect())
    }

    fn apply(
        &self,
        conn: &Connection,
        action: &BulkAction,
        tickets: &[TicketId],
    ) -> anyhow::Result<String> {
        let agent = self.config.agent.as_str();
        let n = tickets.len();
        let all = |f: &dyn Fn(&Connection, TicketId) -> Result<(), StoreError>| {
            atomically(conn, |tx| tickets.iter().try_for_each(|&t| f(tx, t)))
        };
        Ok(match action {
            BulkAction::Status(s) => {
                all(&|tx, t| ticket_ops::set_status(tx, t, *s, agent, SOURCE))?;
                format!("{} set to {}", count(n, "ticket", "tickets"), s.as_str())
            }
            BulkAction::Priority(p) => {
                all(&|tx, t| ticket_ops::set_priority(tx, t, *p, agent, SOURCE))?;
                format!("{} set to priority {p}", count(n, "ticket", "tickets"))
            }
            BulkAction::Assign(who) => {
                all(&|tx, t| ticket_ops::assign(tx, t, who.as_deref(), agent, SOURCE))?;
                format!(
                    "{} owner: {}",
                    count(n, "ticket", "tickets"),
                    who.as_deref().unwrap_or("none")
                )
            }
            BulkAction::Tag(add, remove) => {
                all(&|tx, t| ticket_ops::tag(tx, t, add, remove, agent, SOURCE))?;
                format!("{} tagged", count(n, "ticket", "tickets"))
            }
            BulkAction::Merge(into) => {
                all(&|tx, t| corrections::merge(tx, t, *into, agent, SOURCE).map(|_| ()))?;
                format!("merged {} into #{into}", count(n, "ticket", "tickets"))
            }
            BulkAction::Reply(template) => {
                // Planned again against the outbox as it is now: another agent or a
                // `bulk-reply` may have answered some since the preview.
                let mut ready = replies::plan(
                    conn,
                    self.config,
                    self.templates,
                    tickets,
                    template,
                    None,
                    agent,
                )?;
                let undo = self.config.outbox.undo_seconds;
                let rows = replies::queue_all(conn, &mut ready, template, undo, None, agent)?;
                let queued = count(rows.len(), "reply", "replies");
                match ready.skipped.len() {
                    0 => format!("{queued} `{template}` queued"),
                    skipped => format!("{queued} `{template}` queued, {skipped} skipped"),
                }
            }
        })
    }
}

/// "1 ticket", "3 tickets".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a status, owner or tag change does to a ticket as it stands.
fn change_of(action: &BulkAction, t: &TicketSummary) -> Outcome {
    match action {
        BulkAction::Status(s) if t.status == *s => Outcome::Skip(format!("already {}", s.as_str())),
        BulkAction::Status(s) => Outcome::Apply(format!("{} → {}", t.status.as_str(), s.as_str())),
        BulkAction::Assign(who) if t.owner == *who => Outcome::Skip(match who {
            Some(w) => format!("already {w}'s"),
            None => "already unassigned".into(),
        }),
        BulkAction::Priority(p) if t.priority == *p => Outcome::Skip(format!("already {p}")),
        BulkAction::Priority(p) => Outcome::Apply(format!("{} → {p}", t.priority)),
        BulkAction::Assign(who) => Outcome::Apply(format!(
            "{} → {}",
            t.owner.as_deref().unwrap_or("none"),
            who.as_deref().unwrap_or("none")
        )),
        BulkAction::Tag(add, remove) => {
            // tags are stored trimmed and lower-cased (`ticket_ops::tag`), in any script
            let has = |tag: &String| {
                let tag = tag.trim().to_lowercase();
                t.tags.iter().any(|x| x.to_lowercase() == tag)
            };
            let words: Vec<String> = add
                .iter()
                .filter(|a| !has(a))
                .map(|a| format!("+{a}"))
                .chain(remove.iter().filter(|r| has(r)).map(|r| format!("-{r}")))
                .collect();
            if words.is_empty() {
                Outcome::Skip("tags already so".into())
            } else {
                Outcome::Apply(words.join(" "))
            }
        }
        BulkAction::Merge(into) => Outcome::Apply(format!("into #{into}")),
        // planned with the outbox (`mailout::bulk`)
        BulkAction::Reply(_) => Outcome::Skip(Skip::NoCustomerMessage.group()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::ticket;
    use crate::domain::{Priority, Status};

    #[test]
    fn a_change_says_what_it_does_or_why_it_is_skipped() {
        // fixture 102 is open, bob's, tagged wismo; 103 is pending, unowned, untagged
        let s = |x: &str| x.to_string();
        let t102 = ticket(102, Status::Open, "Åsa Öberg", "Var?", 3);
        let t103 = ticket(103, Status::Pending, "Ayşe Yılmaz", "Nerede?", 5);
        #[rustfmt::skip]
        let cases: Vec<(BulkAction, &TicketSummary, Outcome)> = vec![
            (BulkAction::Status(Status::Solved), &t102, Outcome::Apply(s("open → solved"))),
            (BulkAction::Status(Status::Pending), &t103, Outcome::Skip(s("already pending"))),
            (BulkAction::Assign(Some(s("bob"))), &t103, Outcome::Apply(s("none → bob"))),
            (BulkAction::Assign(Some(s("bob"))), &t102, Outcome::Skip(s("already bob's"))),
            (BulkAction::Assign(None), &t103, Outcome::Skip(s("already unassigned"))),
            (BulkAction::Assign(None), &t102, Outcome::Apply(s("bob → none"))),
            (BulkAction::Tag(vec![s("vip"), s("wismo")], vec![s("old")]), &t102, Outcome::Apply(s("+vip"))),
            (BulkAction::Tag(vec![], vec![s("wismo")]), &t102, Outcome::Apply(s("-wismo"))),
            (BulkAction::Tag(vec![s("wismo")], vec![]), &t102, Outcome::Skip(s("tags already so"))),
            (BulkAction::Tag(vec![], vec![s("wismo")]), &t103, Outcome::Skip(s("tags already so"))),
            (BulkAction::Merge(7), &t102, Outcome::Apply(s("into #7"))),
            (BulkAction::Priority(Priority::High), &t102, Outcome::Apply(s("normal → high"))),
            (BulkAction::Priority(Priority::Normal), &t102, Outcome::Skip(s("already normal"))),
        ];
        for (action, t, want) in cases {
            assert_eq!(change_of(&action, t), want, "{action:?} on #{}", t.id);
        }
    }
}
