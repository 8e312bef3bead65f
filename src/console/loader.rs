//! The list loader: ticket lists (and searches) load on a thread of their own, with a
//! connection of its own, so typing never waits for a query. Results go to the inbox.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SendError, Sender, channel};

use super::runtime::Inbox;
use crate::app::{Effect, Event, ListWindow};
use crate::store::query_sql::QueryContext;
use crate::store::{Store, now_unix, views};

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
    while let Ok(mut next) = rx.recv() {
        // A burst of keys: skip to the newest request.
        while let Ok(newer) = rx.try_recv() {
            if inbox.send(Inbox::Loaded(Event::ListSuperseded)).is_err() {
                return;
            }
            next = newer;
        }
        let (fx, now) = next;
        let Effect::LoadList {
            query,
            offset,
            limit,
            selected,
            total,
        } = fx
        else {
            continue;
        };
        let ctx = QueryContext {
            agent: agent.to_string(),
            now,
        };
        let ev = match views::window(store.conn(), &query, &ctx, offset, limit, total) {
            Ok((total, rows)) => Event::ListLoaded(ListWindow {
                query,
                total,
                offset,
                rows,
                selected,
            }),
            Err(e) => Event::Error(e.to_string()),
        };
        if inbox.send(Inbox::Loaded(ev)).is_err() {
            return;
        }
    }
}
