//! The list loader: ticket lists (and searches), and the ticket previewed beside the list,
//! load on a thread of their own, with a connection of its own, so typing and moving the
//! selection never wait for a query. Results go to the inbox.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SendError, Sender, channel};

use super::runtime::Inbox;
use crate::app::{Effect, Event, ListWindow};
use crate::store::query_sql::QueryContext;
use crate::store::timeline::repeats;
use crate::store::{Store, now_unix, read, views};

pub struct Loader {
    requests: Sender<(Effect, i64)>,
}

impl Loader {
    pub fn start(db: PathBuf, agent: String, inbox: Sender<Inbox>) -> Loader {
        let (requests, rx) = channel::<(Effect, i64)>();
        std::thread::spawn(move || {
            let Ok(store) = Store::open(&db) else {
                // dropping `rx` tells `send` to load on the caller's thread instead
                return;
            };
            serve(&store, &agent, &rx, &inbox);
        });
        Loader { requests }
    }

    /// Hands a list load to the thread; gives the effect back if the thread has stopped.
    pub fn send(&self, fx: Effect) -> Result<(), Effect> {
        self.requests
            .send((fx, now_unix()))
            .map_err(|SendError((fx, _))| fx)
    }
}

fn serve(store: &Store, agent: &str, rx: &Receiver<(Effect, i64)>, inbox: &Sender<Inbox>) {
    while let Ok(first) = rx.recv() {
        // A burst of keys: only the newest list and the newest preview are loaded.
        let mut list = None;
        let mut preview = None;
        let mut next = Some(first);
        while let Some((fx, now)) = next {
            match fx {
                Effect::LoadList { .. } => {
                    let older = list.replace((fx, now));
                    if older.is_some() && inbox.send(Inbox::Loaded(Event::ListSuperseded)).is_err()
                    {
                        return;
                    }
                }
                Effect::LoadPreview(id) => preview = Some(id),
                _ => {}
            }
            next = rx.try_recv().ok();
        }
        let mut events = Vec::new();
        if list.is_some() {
            // the list shows repeat marks and may ask is:repeat: new mail or a solve since
            // they were built rebuilds them first
            if let Err(e) = repeats::refresh_as_built(store.conn()) {
                tracing::warn!(error = %e, "repeat contacts");
            }
        }
        if let Some((fx, now)) = list {
            events.push(load_list(store, agent, fx, now));
        }
        if let Some(id) = preview {
            events.push(load_preview(store, id));
        }
        for ev in events {
            if inbox.send(Inbox::Loaded(ev)).is_err() {
                return;
            }
        }
    }
}

fn load_list(store: &Store, agent: &str, fx: Effect, now: i64) -> Event {
    let Effect::LoadList {
        query,
        offset,
        limit,
        selected,
        total,
    } = fx
    else {
        return Event::ListSuperseded;
    };
    let ctx = QueryContext {
        agent: agent.to_string(),
        now,
    };
    match views::window(store.conn(), &query, &ctx, offset, limit, total) {
        Ok((total, rows)) => Event::ListLoaded(ListWindow {
            query,
            total,
            offset,
            rows,
            selected,
        }),
        Err(e) => Event::Error(e.to_string()),
    }
}

/// A preview that fails says nothing: the ticket opens with Enter, which reports errors.
fn load_preview(store: &Store, id: crate::domain::TicketId) -> Event {
    let loaded = read::ticket_detail(store.conn(), id)
        .and_then(|d| Ok((d, views::customer_of_ticket(store.conn(), id)?)));
    match loaded {
        Ok((detail, customer)) => Event::PreviewLoaded(Box::new(detail), customer),
        Err(_) => Event::ListSuperseded,
    }
}
