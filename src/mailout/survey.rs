//! The satisfaction survey in outgoing mail: the links a solving reply carries (`[survey]
//! when = "with_solving_reply"`). Whether a customer is asked is decided here, once, for
//! every way a reply is made (CLI, console, bulk), since they all compose through
//! `mailout::prepare`.

use rusqlite::Connection;

use crate::config::{AccountConfig, Config};
use crate::domain::vote::survey::{SurveyWhen, survey_text};
use crate::domain::vote::{survey_links, words};
use crate::domain::reply::ReplyPlan;
use crate::domain::{Status, TicketId};
use crate::store::{StoreError, ratings};

/// The survey text for a reply planned as `plan` that leaves ticket `ticket` at `status`, if this
/// reply should ask: the survey is on and rides with the solving reply, the reply solves
/// the ticket, and every recipient may be asked (one relay or no-reply address in To is
/// enough to stay quiet).
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
    if status != Some(Status::Solved)
        || s.when != SurveyWhen::WithSolvingReply
        || to.is_empty()
        || !to.iter().all(|a| s.may_survey(&a.email))
    {
        return Ok(None);
    }
    let secret = ratings::secret(conn)?;
    let links = survey_links(&secret, &account.email, &plan.subject, ticket, s.kind, language);
    Ok(Some(survey_text(s.kind, &words(language), &links)))
}
