//! Bulk actions performed: the ids marks need, the plan a preview shows (what would happen
//! to each ticket, and why some are skipped), and applying it, each action over all its
//! tickets in one transaction through the same store calls as the single-ticket verbs.
//! The templated reply is `mailout::bulk`, shared with `bulk-reply`, so a reply either
//! sent is never sent again by the other.
//!
//! A preview can be stale by the time it is confirmed (another agent, a sync, a script):
//! each ticket is read again inside the applying transaction, and one merged into
//! another since, or already as the action would leave it, is skipped and named.

use rusqlite::{Connection, Transaction, TransactionBehavior};

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
        if let BulkAction::Reply(template) = action {
            return self.reply(conn, template, tickets);
        }
        let mut skipped: Vec<(TicketId, String)> = Vec::new();
        let n = atomically(conn, |tx| {
            let merge_target = match action {
                BulkAction::Merge(into) => Some(corrections::survivor(tx, *into)?),
                _ => None,
            };
            let mut applied = 0;
            for &t in tickets {
                let standing = match standing(tx, t, merge_target) {
                    Err(StoreError::NoTicket(_)) => {
                        skipped.push((t, "no longer exists".into()));
                        continue;
                    }
                    other => other?,
                };
                if let Outcome::Skip(why) = recheck(action, &standing) {
                    skipped.push((t, why));
                    continue;
                }
                match action {
                    BulkAction::Status(s) => ticket_ops::set_status(tx, t, *s, agent, SOURCE)?,
                    BulkAction::Priority(p) => {
                        ticket_ops::set_priority(tx, t, *p, agent, SOURCE)?;
                    }
                    BulkAction::Assign(who) => {
                        ticket_ops::assign(tx, t, who.as_deref(), agent, SOURCE)?;
                    }
                    BulkAction::Tag(add, remove) => {
                        ticket_ops::tag(tx, t, add, remove, agent, SOURCE)?;
                    }
                    BulkAction::Merge(into) => {
                        corrections::merge(tx, t, *into, agent, SOURCE)?;
                    }
                    // answered above
                    BulkAction::Reply(_) => continue,
                }
                applied += 1;
            }
            Ok(applied)
        })?;
        let tickets = count(n, "ticket", "tickets");
        let done = match action {
            BulkAction::Status(s) => format!("{tickets} set to {}", s.as_str()),
            BulkAction::Priority(p) => format!("{tickets} set to priority {p}"),
            BulkAction::Assign(who) => {
                format!("{tickets} owner: {}", who.as_deref().unwrap_or("none"))
            }
            BulkAction::Tag(..) => format!("{tickets} tagged"),
            BulkAction::Merge(into) => format!("merged {tickets} into #{into}"),
            BulkAction::Reply(_) => String::new(),
        };
        Ok(with_changed(done, &skipped))
    }

    /// The templated reply, planned again against the outbox and the tickets as they are
    /// now (another agent or a `bulk-reply` may have answered some since the preview, or
    /// merged them), and queued in the same transaction.
    fn reply(
        &self,
        conn: &Connection,
        template: &str,
        tickets: &[TicketId],
    ) -> anyhow::Result<String> {
        let agent = self.config.agent.as_str();
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let mut ready = replies::plan(
            &tx,
            self.config,
            self.templates,
            tickets,
            template,
            None,
            agent,
        )?;
        let undo = self.config.outbox.undo_seconds;
        let rows = replies::queue_all(&tx, &mut ready, template, undo, None, agent)?;
        tx.commit()?;
        let queued = count(rows.len(), "reply", "replies");
        let merged: Vec<(TicketId, String)> = ready
            .skipped
            .iter()
            .filter(|(_, why)| matches!(why, Skip::Merged(_)))
            .map(|(t, why)| (*t, why.reason()))
            .collect();
        let done = match ready.skipped.len() - merged.len() {
            0 => format!("{queued} `{template}` queued"),
            skipped => format!("{queued} `{template}` queued, {skipped} skipped"),
        };
        Ok(with_changed(done, &merged))
    }
}

/// A ticket of the preview as it stands when the action is confirmed, read in the
/// transaction that applies it.
#[derive(Debug, Clone)]
struct Standing {
    ticket: TicketSummary,
    /// The ticket its number answers for now, when it was merged into another.
    merged_into: Option<TicketId>,
    /// For a merge: the ticket the target's number answers for now.
    merge_target: Option<TicketId>,
}

fn standing(
    tx: &Connection,
    id: TicketId,
    merge_target: Option<TicketId>,
) -> Result<Standing, StoreError> {
    let survivor = corrections::survivor(tx, id)?;
    Ok(Standing {
        ticket: read::ticket_summary(tx, id)?,
        merged_into: (survivor != id).then_some(survivor),
        merge_target,
    })
}

/// What the action does to a ticket as it stands at confirm: skipped when it was merged
/// into another since the preview (the action would land on a ticket no one meant), or is
/// already as the action would leave it; otherwise what the preview said.
fn recheck(action: &BulkAction, now: &Standing) -> Outcome {
    if let Some(into) = now.merged_into {
        return Outcome::Skip(format!("merged into #{into}"));
    }
    if let (BulkAction::Merge(into), Some(target)) = (action, now.merge_target)
        && target == now.ticket.id
    {
        return Outcome::Skip(format!("now holds #{into}"));
    }
    change_of(action, &now.ticket)
}

/// How many of the skipped tickets a status line names; the rest are counted.
const NAMED: usize = 5;

/// `done`, then the tickets left alone because they changed since the preview:
/// "1 ticket set to solved; 2 skipped, changed since the preview: #12 merged into #14,
/// #15 already solved".
fn with_changed(done: String, skipped: &[(TicketId, String)]) -> String {
    if skipped.is_empty() {
        return done;
    }
    let mut named: Vec<String> = skipped
        .iter()
        .take(NAMED)
        .map(|(t, why)| format!("#{t} {why}"))
        .collect();
    if skipped.len() > NAMED {
        named.push(format!("{} more", skipped.len() - NAMED));
    }
    format!(
        "{done}; {} skipped, changed since the preview: {}",
        skipped.len(),
        named.join(", ")
    )
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

    /// A ticket as it stands, merged since or not (and for a merge, where the target's
    /// number leads now).
    fn standing(
        id: TicketId,
        status: Status,
        merged_into: Option<TicketId>,
        merge_target: Option<TicketId>,
    ) -> Standing {
        Standing {
            ticket: ticket(id, status, "Anna", "Hi", 1),
            merged_into,
            merge_target,
        }
    }

    #[test]
    fn at_confirm_a_ticket_merged_since_or_already_so_is_skipped() {
        let s = |x: &str| x.to_string();
        let solve = BulkAction::Status(Status::Solved);
        #[rustfmt::skip]
        let cases: Vec<(BulkAction, Standing, Outcome)> = vec![
            (solve.clone(), standing(5, Status::Open, None, None), Outcome::Apply(s("open → solved"))),
            // reopened since the preview: still applies
            (solve.clone(), standing(5, Status::Pending, None, None), Outcome::Apply(s("pending → solved"))),
            (solve.clone(), standing(5, Status::Solved, None, None), Outcome::Skip(s("already solved"))),
            (solve, standing(5, Status::Open, Some(9), None), Outcome::Skip(s("merged into #9"))),
            (BulkAction::Assign(Some(s("bob"))), standing(5, Status::Open, Some(9), None),
             Outcome::Skip(s("merged into #9"))),
            (BulkAction::Priority(Priority::Normal), standing(5, Status::Open, None, None),
             Outcome::Skip(s("already normal"))),
            (BulkAction::Merge(7), standing(5, Status::Open, None, Some(7)), Outcome::Apply(s("into #7"))),
            // the target went into another ticket: the merge follows it
            (BulkAction::Merge(7), standing(5, Status::Open, None, Some(8)), Outcome::Apply(s("into #7"))),
            // ... unless that is this one
            (BulkAction::Merge(7), standing(5, Status::Open, None, Some(5)),
             Outcome::Skip(s("now holds #7"))),
            (BulkAction::Merge(7), standing(5, Status::Open, Some(7), Some(7)),
             Outcome::Skip(s("merged into #7"))),
        ];
        for (action, now, want) in cases {
            assert_eq!(recheck(&action, &now), want, "{action:?} on {now:?}");
        }
    }

    #[test]
    fn the_status_line_names_what_changed_since_the_preview() {
        let skipped: Vec<(TicketId, String)> =
            (1..=7).map(|t| (t, "already solved".into())).collect();
        let cases: Vec<(&[(TicketId, String)], &str)> = vec![
            (&[], "2 tickets set to solved"),
            (
                &skipped[..1],
                "2 tickets set to solved; 1 skipped, changed since the preview: #1 already solved",
            ),
            (
                &skipped,
                "2 tickets set to solved; 7 skipped, changed since the preview: #1 already solved, \
                 #2 already solved, #3 already solved, #4 already solved, #5 already solved, 2 more",
            ),
        ];
        for (skipped, want) in cases {
            assert_eq!(
                with_changed("2 tickets set to solved".into(), skipped),
                want
            );
        }
    }

    /// Against a store: the preview is made, other hands change some of its tickets, and
    /// the confirm applies to the rest and says which it left alone.
    #[test]
    fn confirm_applies_to_the_tickets_still_as_previewed() {
        use crate::store::ingest::AccountIdentity;
        use crate::store::{Store, ticket_ops};
        use crate::worker::import::ingest_raw;

        const CONFIG: &str = "agent = \"alice\"\n[[accounts]]\nname = \"shop\"\n\
                              email = \"shop@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\n";
        let config = Config::parse(CONFIG, std::path::Path::new("config.toml")).expect("config");
        let templates = Templates::shipped("en").expect("templates");
        let ctx = QueryContext {
            agent: "alice".into(),
            now: 0,
        };
        let runner = BulkRunner {
            config: &config,
            templates: &templates,
            ctx: &ctx,
        };
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::from(&config.accounts[0]);
        let mails: Vec<Vec<u8>> = (1..=5)
            .map(|i| {
                format!(
                    "From: c{i}@example.test\r\nTo: shop@example.test\r\nSubject: Order {i}\r\n\
                     Date: Tue, 24 Nov 2026 10:0{i}:00 +0000\r\nMessage-ID: <m{i}@c>\r\n\
                     Content-Type: text/plain; charset=utf-8\r\n\r\nWhere is my order?\r\n"
                )
                .into_bytes()
            })
            .collect();
        ingest_raw(&mut store, &account, "INBOX", &mails).expect("ingest");
        let c = store.conn();
        let perform = |fx| runner.perform(c, fx).expect("perform");
        let planned = |action: &BulkAction, tickets: &[TicketId]| {
            let fx = BulkEffect::Plan {
                action: action.clone(),
                tickets: tickets.to_vec(),
            };
            match perform(fx).as_slice() {
                [Event::Bulk(BulkEvent::Planned(plan))] => plan.to_apply(),
                other => panic!("{other:?}"),
            }
        };
        let applied = |action: &BulkAction, tickets: Vec<TicketId>| {
            let fx = BulkEffect::Apply {
                action: action.clone(),
                tickets,
            };
            match perform(fx).as_slice() {
                [Event::Bulk(BulkEvent::Applied(said)), Event::DataChanged] => said.clone(),
                other => panic!("{other:?}"),
            }
        };
        let status = |t| read::ticket_summary(c, t).expect("ticket").status;

        // solve 1, 2 and 3; meanwhile 2 is merged into 4 and 3 is solved by someone else
        let solve = BulkAction::Status(Status::Solved);
        let previewed = planned(&solve, &[1, 2, 3]);
        assert_eq!(previewed, [1, 2, 3]);
        corrections::merge(c, 2, 4, "bob", EventSource::Cli).expect("merge");
        ticket_ops::set_status(c, 3, Status::Solved, "bob", EventSource::Cli).expect("solve");
        assert_eq!(
            applied(&solve, previewed),
            "1 ticket set to solved; 2 skipped, changed since the preview: \
             #2 merged into #4, #3 already solved"
        );
        let statuses: Vec<Status> = [1, 2, 4].map(status).to_vec();
        assert_eq!(
            statuses,
            [Status::Solved, Status::New, Status::New],
            "#2 and #4 untouched"
        );

        // merge 1 and 5 into 4; meanwhile 4 goes into 5: 5 is left alone, 1 follows to 5
        let merge = BulkAction::Merge(4);
        let previewed = planned(&merge, &[1, 5]);
        corrections::merge(c, 4, 5, "bob", EventSource::Cli).expect("merge");
        assert_eq!(
            applied(&merge, previewed),
            "merged 1 ticket into #4; 1 skipped, changed since the preview: #5 now holds #4"
        );
        assert_eq!(corrections::survivor(c, 1).expect("survivor"), 5);

        // a reply to tickets merged since goes to none of them
        let reply = BulkAction::Reply("sizing".into());
        let previewed = planned(&reply, &[3, 5]);
        assert_eq!(previewed, [3, 5]);
        corrections::merge(c, 3, 5, "bob", EventSource::Cli).expect("merge");
        assert_eq!(
            applied(&reply, previewed),
            "1 reply `sizing` queued; 1 skipped, changed since the preview: #3 merged into #5"
        );
    }
}
