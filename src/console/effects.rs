//! Effects: the store reads and writes, template renders and outbox work that the app asks
//! for, performed and reported back as events. Everything but `$EDITOR`, which needs the
//! terminal (see `runtime`), so benchmarks and tests can drive it headless.

use std::sync::mpsc::Sender;

use super::attachments;
use super::runtime::{Inbox, Options};
use crate::app::{Effect, Event, ListWindow, PendingSend};
use crate::config::View;
use crate::config::views::{append_saved, views_file};
use crate::domain::EventSource;
use crate::mailout::{self, Body, ReplyRequest};
use crate::store::corrections::{self, Correction};
use crate::store::outbox::{self, Enqueued};
use crate::store::query_sql::QueryContext;
use crate::store::{Store, drafts, mailboxes, now_unix, read, ticket_ops, views};
use crate::templates::Templates;

/// Performs effects against the store and reports back as events.
pub struct Runner<'a> {
    pub opts: &'a Options,
    pub templates: &'a Templates,
    pub ctx: QueryContext,
}

impl Runner<'_> {
    /// Performs one effect (any but `OpenEditor`, which needs the terminal); a failure
    /// comes back as an error event.
    pub fn perform(&mut self, store: &mut Store, fx: Effect) -> Vec<Event> {
        self.try_perform(store, fx)
            .unwrap_or_else(|e| vec![Event::Error(format!("{e:#}"))])
    }

    fn try_perform(&mut self, store: &mut Store, fx: Effect) -> anyhow::Result<Vec<Event>> {
        let conn = store.conn();
        Ok(match fx {
            Effect::LoadCounts(queries) => vec![Event::CountsLoaded(views::counts(
                conn, &queries, &self.ctx,
            ))],
            Effect::LoadList {
                query,
                offset,
                limit,
                selected,
                total,
            } => {
                let (total, rows) = views::window(conn, &query, &self.ctx, offset, limit, total)?;
                vec![Event::ListLoaded(ListWindow {
                    query,
                    total,
                    offset,
                    rows,
                    selected,
                })]
            }
            Effect::LoadTicket(id) => {
                // a merged ticket opens as the ticket it was merged into
                let id = corrections::survivor(conn, id)?;
                let detail = read::ticket_detail(conn, id)?;
                let customer = views::customer_of_ticket(conn, id)?;
                vec![Event::TicketLoaded(Box::new(detail), customer)]
            }
            Effect::SaveView { name, query } => {
                if self.opts.demo {
                    // the demo's views live as long as it does
                    return Ok(vec![Event::ViewSaved { name, query }]);
                }
                let file = views_file(self.opts.config.path.as_deref());
                let view = View { name, query };
                append_saved(&file, &view)?;
                vec![Event::ViewSaved {
                    name: view.name,
                    query: view.query,
                }]
            }
            Effect::LoadPreview(id) => {
                let detail = read::ticket_detail(conn, id)?;
                let customer = views::customer_of_ticket(conn, id)?;
                vec![Event::PreviewLoaded(Box::new(detail), customer)]
            }
            // the loader's work, done here when its thread has stopped
            Effect::LoadReport { period, dimension } => vec![super::loader::load_report(
                conn,
                &self.opts.config,
                period,
                dimension,
                self.ctx.now,
            )],
            Effect::LoadSla => vec![super::loader::refresh_and_load_sla(
                conn,
                &self.opts.config,
                self.ctx.now,
            )],
            // the terminal's: rung by the runtime, nothing to do headless
            Effect::Bell => Vec::new(),
            Effect::LoadTemplates => vec![Event::TemplatesLoaded(
                self.templates.names().map(str::to_string).collect(),
            )],
            Effect::Preview { ticket, template } => vec![Event::Preview(
                mailout::render_template(
                    conn,
                    &self.opts.config,
                    self.templates,
                    ticket,
                    &template,
                    &self.opts.config.agent,
                )
                .map(|r| r.body)
                .map_err(|e| e.to_string()),
            )],
            Effect::SetStatus(id, s) => {
                ticket_ops::set_status(conn, id, s, &self.opts.config.agent, EventSource::Console)?;
                vec![
                    Event::Status(format!("#{id} is {}", s.as_str())),
                    Event::DataChanged,
                ]
            }
            Effect::SetPriority(id, p) => {
                ticket_ops::set_priority(
                    conn,
                    id,
                    p,
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("#{id} priority: {p}")),
                    Event::DataChanged,
                ]
            }
            Effect::Assign(id, who) => {
                ticket_ops::assign(
                    conn,
                    id,
                    who.as_deref(),
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("#{id} owner: {}", who.as_deref().unwrap_or("none"))),
                    Event::DataChanged,
                ]
            }
            Effect::Tag(id, add, remove) => {
                ticket_ops::tag(
                    conn,
                    id,
                    &add,
                    &remove,
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("#{id} tags updated")),
                    Event::DataChanged,
                ]
            }
            Effect::LinkOrder(id, number) => {
                ticket_ops::link_order(
                    conn,
                    id,
                    Some(&number),
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("#{id} is about order {number}")),
                    Event::DataChanged,
                ]
            }
            Effect::Note(id, text) => {
                ticket_ops::add_note(
                    conn,
                    id,
                    &text,
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("note added to #{id}")),
                    Event::DataChanged,
                ]
            }
            Effect::SaveDraft(ticket, body) => {
                drafts::save(conn, ticket, &body)?;
                Vec::new()
            }
            Effect::QueueReply {
                ticket,
                body,
                template,
                status,
            } => {
                // A template's status and tags apply when its text was used.
                let rendered = template.as_deref().and_then(|name| {
                    mailout::render_template(
                        conn,
                        &self.opts.config,
                        self.templates,
                        ticket,
                        name,
                        &self.opts.config.agent,
                    )
                    .ok()
                });
                let status = status.or(rendered.as_ref().and_then(|r| r.status));
                let req = ReplyRequest {
                    status_after: status,
                    ..ReplyRequest::new(ticket, Body::Text(body), &self.opts.config.agent)
                };
                let mut p = mailout::prepare(conn, &self.opts.config, self.templates, &req)?;
                if let Some(r) = rendered {
                    p.tags = r.tags;
                }
                let undo = self.opts.config.outbox.undo_seconds;
                match mailout::queue(conn, &p, undo, &self.opts.config.agent, None)? {
                    Enqueued::Queued(id) | Enqueued::Duplicate(id) => {
                        drafts::discard(conn, ticket)?;
                        vec![Event::Queued(PendingSend {
                            outbox_id: id,
                            ticket,
                            deadline: now_unix() + undo as i64,
                        })]
                    }
                }
            }
            Effect::CancelSend(id) => match outbox::cancel(conn, id)? {
                outbox::Cancelled::Yes => vec![
                    Event::Status("reply cancelled; nothing was sent".into()),
                    Event::DataChanged,
                ],
                _ => vec![Event::Error(
                    "too late to undo: the reply already went out".into(),
                )],
            },
            Effect::OpenEditor(_) => vec![Event::Error("$EDITOR needs a terminal".into())],
            Effect::SaveAttachments(ticket) => {
                let dir = attachments::ticket_dir(&attachments::download_dir(), ticket);
                match attachments::save_all(conn, ticket, &dir)? {
                    0 => vec![Event::Status(format!("#{ticket} has no attachments"))],
                    saved => vec![Event::Status(format!(
                        "saved {saved} attachment(s) to {}",
                        dir.display()
                    ))],
                }
            }
            Effect::LoadDraft(ticket) => drafts::load(conn, ticket)?
                .map(|b| vec![Event::DraftLoaded(ticket, b)])
                .unwrap_or_default(),
            Effect::Merge { from, into } => corrected(corrections::merge(
                conn,
                from,
                into,
                &self.opts.config.agent,
                EventSource::Console,
            )?),
            Effect::Split { ticket, message } => corrected(corrections::split(
                conn,
                ticket,
                message,
                &self.opts.config.agent,
                EventSource::Console,
            )?),
            Effect::MoveMessage { message, to } => {
                let target = to.map_or(corrections::Target::New, corrections::Target::Ticket);
                corrected(corrections::move_message(
                    conn,
                    message,
                    target,
                    &self.opts.config.agent,
                    EventSource::Console,
                )?)
            }
            Effect::UndoCorrection => {
                match corrections::undo(conn, &self.opts.config.agent, EventSource::Console)? {
                    Some(c) => corrected(c),
                    None => vec![Event::Status("nothing to undo".into())],
                }
            }
            Effect::Bulk(fx) => super::bulk::BulkRunner {
                config: &self.opts.config,
                templates: self.templates,
                ctx: &self.ctx,
            }
            .perform(conn, fx)?,
            Effect::LoadOutbox => {
                let (q, f) = outbox::counts(conn)?;
                let synced = mailboxes::last_synced(conn)?;
                let failure = outbox::last_failure(conn)?;
                vec![Event::Outbox(q, f, failure), Event::Synced(synced)]
            }
        })
    }

    /// Replies past their undo window go out: locally for the demo, else through the send
    /// worker on a thread of its own so the screen never waits for SMTP; that thread says
    /// `Flushed` in the inbox when it is done. True when the demo delivered some.
    pub fn deliver_due(
        &self,
        store: &mut Store,
        flusher: &mut Option<std::thread::JoinHandle<()>>,
        inbox: &Sender<Inbox>,
    ) -> bool {
        if !outbox::has_due(store.conn(), now_unix()).unwrap_or(false) {
            return false;
        }
        if self.opts.demo {
            return match crate::worker::send::deliver_locally(store, &self.opts.config) {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "demo delivery");
                    false
                }
            };
        }
        if flusher.as_ref().is_some_and(|h| !h.is_finished()) {
            return false;
        }
        let config = self.opts.config.clone();
        let db = self.opts.db.clone();
        let inbox = inbox.clone();
        *flusher = Some(std::thread::spawn(move || {
            if let Err(e) = crate::worker::send::flush(&config, &db, &Default::default()) {
                tracing::warn!(error = %e, "outbox flush");
            }
            let _ = inbox.send(Inbox::Flushed);
        }));
        false
    }
}

/// A correction made: say what it did, and reload what is on screen.
fn corrected(c: Correction) -> Vec<Event> {
    vec![Event::Status(c.to_string()), Event::DataChanged]
}
