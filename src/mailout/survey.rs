//! The satisfaction survey in outgoing mail: the links a solving reply carries (`[survey]
//! when = "with_solving_reply"`), or a survey mail of its own a while after the solve
//! (`when = "24h"`), queued through the outbox once per ticket (dedupe key
//! `survey:<ticket>`). Whether a customer is asked is decided here, once, for every way a
//! reply is made (CLI, console, bulk), since they all compose through `mailout::prepare`.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{Body, MailoutError, ReplyRequest, prepare, queue};

use crate::config::{AccountConfig, Config};
use crate::domain::outbox::ReplyKind;
use crate::domain::reply::ReplyPlan;
use crate::domain::vote::survey::{LATE_LIMIT, SurveyWhen, delayed_due, survey_text};
use crate::domain::vote::{survey_links, words};
use crate::domain::{Status, TicketId};
use crate::store::outbox::Enqueued;
use crate::store::{StoreError, ratings};
use crate::templates::Templates;

/// The survey text for a reply planned as `plan` that leaves ticket `ticket` at `status`, if this
/// reply should ask: the survey is on and rides with the solving reply, the reply solves
/// the ticket, and every recipient may be asked (one relay or no-reply address in To or
/// Cc is enough to stay quiet).
pub(super) fn for_reply(
    conn: &Connection,
    config: &Config,
    account: &AccountConfig,
    ticket: TicketId,
    plan: &ReplyPlan,
    status: Option<Status>,
    language: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let s = &config.survey;
    let to = &plan.to;
    let everyone = || to.iter().chain(&plan.cc);
    if status != Some(Status::Solved)
        || s.when != SurveyWhen::WithSolvingReply
        || to.is_empty()
        || !everyone().all(|a| s.may_survey(&a.email))
    {
        return Ok(None);
    }
    text(conn, config, account, ticket, plan, language).map(Some)
}

/// The survey's question and links for a mail planned as `plan`.
pub(super) fn text(
    conn: &Connection,
    config: &Config,
    account: &AccountConfig,
    ticket: TicketId,
    plan: &ReplyPlan,
    language: Option<&str>,
) -> Result<String, StoreError> {
    let kind = config.survey.kind;
    let secret = ratings::secret(conn)?;
    let links = survey_links(
        &secret,
        &account.email,
        &plan.subject,
        ticket,
        kind,
        language,
    );
    Ok(survey_text(kind, &words(language), &links))
}

/// Who automatic surveys are queued as.
const SURVEY_AGENT: &str = "shopdesk";

/// Queues the delayed surveys due at `now` (`[survey] when` a delay): one per solved
/// ticket whose customer was not asked yet and may be asked. Returns how many were queued.
pub fn queue_due(
    conn: &Connection,
    config: &Config,
    templates: &Templates,
    now: DateTime<Utc>,
) -> Result<usize, MailoutError> {
    let s = &config.survey;
    let SurveyWhen::After(delay) = s.when else {
        return Ok(0);
    };
    if !s.enabled {
        return Ok(0);
    }
    let latest = now - delay;
    let mut queued = 0;
    for (ticket, solved_at) in
        ratings::unasked_solved(conn, (latest - LATE_LIMIT).timestamp(), latest.timestamp())?
    {
        if !delayed_due(s.when, solved_at, now) {
            continue;
        }
        let req = ReplyRequest {
            kind: ReplyKind::Survey,
            ..ReplyRequest::new(ticket, Body::Text(String::new()), SURVEY_AGENT)
        };
        let prepared = match prepare(conn, config, templates, &req) {
            Ok(p) => Some(p),
            // a ticket with nobody to write to is settled: never asked
            Err(MailoutError::NoRecipient(_) | MailoutError::NoAccount { .. }) => None,
            // One ticket's mail that cannot be made (an address the composer refuses) is
            // said once and settled, so it does not hold back every survey after it.
            Err(MailoutError::Compose(e)) => {
                tracing::warn!("survey for #{ticket} not sent: {e}");
                None
            }
            Err(e) => return Err(e),
        };
        let allowed =
            |p: &super::PreparedReply| p.to.iter().chain(&p.cc).all(|a| s.may_survey(&a.email));
        if let Some(p) = prepared.filter(allowed) {
            let key = format!("survey:{ticket}");
            if let Enqueued::Queued(_) = queue(conn, &p, 0, SURVEY_AGENT, Some(key))? {
                queued += 1;
            }
        }
        // asked, or never to be: either way this ticket is done with
        ratings::mark_asked(conn, ticket, now.timestamp())?;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::ticket_change::{StatusCause, TicketChange};
    use crate::domain::{EventSource, Origin};
    use crate::store::events::{apply, atomically};
    use crate::store::ingest::AccountIdentity;
    use crate::store::{Store, outbox};
    use crate::worker::import::ingest_raw;

    const CONFIG: &str = r#"
agent = "alice"
[[accounts]]
name = "shop"
email = "shop@example.test"
[accounts.imap]
host = "127.0.0.1"
[survey]
enabled = true
kind = "nps"
when = "24h"
"#;

    fn mail(n: usize, from: &str) -> Vec<u8> {
        format!(
            "From: {from}\r\nTo: shop@example.test\r\nSubject: Question {n}\r\n\
             Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <q{n}@c>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nWhere is my parcel?\r\n"
        )
        .into_bytes()
    }

    fn solve(store: &Store, ticket: TicketId, at: DateTime<Utc>) {
        atomically(store.conn(), |tx| {
            let change = TicketChange::StatusSet {
                status: Status::Solved,
                cause: StatusCause::Agent,
            };
            apply(
                tx,
                ticket,
                &[change],
                &Origin::new("alice", EventSource::Cli, at),
            )
        })
        .expect("solve");
    }

    /// Which replies carry the links (`when = "with_solving_reply"`).
    #[test]
    fn the_solving_reply_carries_the_links_when_it_may() {
        let text = CONFIG.replace("kind = \"nps\"\nwhen = \"24h\"\n", "");
        let config = Config::parse(&text, std::path::Path::new("config.toml")).expect("config");
        let off = Config::parse(
            &text.replace("enabled = true", "enabled = false"),
            std::path::Path::new("config.toml"),
        )
        .expect("config");
        let templates = Templates::shipped("en").expect("templates");
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::from(&config.accounts[0]);
        let raws = [
            mail(1, "anna@example.test"),
            mail(2, "x@marketplace.amazon.de"),
        ];
        ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
        #[rustfmt::skip]
        let cases = [
            (&config, 1, Some(Status::Solved), true),
            (&config, 1, Some(Status::Pending), false),
            (&config, 1, None, false),
            (&config, 2, Some(Status::Solved), false),
            (&off, 1, Some(Status::Solved), false),
        ];
        for (config, ticket, status, want) in cases {
            let req = ReplyRequest {
                status_after: status,
                ..ReplyRequest::new(ticket, Body::Text("It ships today.".into()), "alice")
            };
            let p = prepare(store.conn(), config, &templates, &req).expect("prepare");
            assert_eq!(p.survey, want, "#{ticket} {status:?}");
            assert_eq!(p.body.contains("How did we do?"), want, "{}", p.body);
            assert!(p.body.starts_with("It ships today."), "{}", p.body);
        }
    }

    #[test]
    fn a_delayed_survey_goes_once_per_ticket_and_never_to_excluded_addresses() {
        let config = Config::parse(CONFIG, std::path::Path::new("config.toml")).expect("config");
        let templates = Templates::shipped("en").expect("templates");
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::from(&config.accounts[0]);
        let raws = [
            mail(1, "anna@example.test"),
            mail(2, "no-reply@example.test"),
            mail(3, "ben@example.test"),
            mail(4, "cleo@example.test"),
        ];
        ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
        let now = Utc::now();
        solve(&store, 1, now - Duration::hours(25)); // due
        solve(&store, 2, now - Duration::hours(25)); // due, but a no-reply address
        solve(&store, 3, now - Duration::hours(23)); // not yet
        solve(&store, 4, now - Duration::days(30)); // long ago: left alone
        let c = store.conn();
        assert_eq!(queue_due(c, &config, &templates, now).expect("queue"), 1);
        assert_eq!(
            queue_due(c, &config, &templates, now).expect("again"),
            0,
            "once"
        );
        let rows = outbox::list(c, true).expect("rows");
        assert_eq!(rows.len(), 1, "{rows:?}");
        let row = &rows[0];
        assert_eq!(
            (row.kind, row.ticket_id, row.recipients.clone()),
            (
                ReplyKind::Survey,
                Some(1),
                vec!["anna@example.test".to_string()]
            )
        );
        let raw = String::from_utf8_lossy(&row.raw);
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        let text = crate::mail::parse::parse_message(&row.raw).text;
        assert!(text.contains("recommend us"), "{text}");
        assert_eq!(
            text.matches("<mailto:shop@example.test?subject=").count(),
            11
        );
        assert!(
            ratings::was_asked(c, 2).expect("asked"),
            "settled, never asked"
        );
        // an hour later the third is due
        let later = now + Duration::hours(2);
        assert_eq!(queue_due(c, &config, &templates, later).expect("later"), 1);
        assert_eq!(outbox::list(c, true).expect("rows").len(), 2);
    }
}
