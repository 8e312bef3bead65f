//! The list loader: ticket lists (and searches), the ticket previewed beside the list, the
//! report screen's figures and the service-level stages load on a thread of their own,
//! with a connection of its own, so typing and moving the selection never wait for a
//! query. Results go to the inbox.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SendError, Sender, channel};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::runtime::Inbox;
use crate::app::{Effect, Event, ListWindow, ReportPeriod, SlaCounts, report_data};
use crate::config::Config;
use crate::domain::report::Dimension;
use crate::store::query_sql::QueryContext;
use crate::store::timeline::{repeats, stages};
use crate::store::{Store, now_unix, read, views};
use crate::worker::report::{tickets, zone};

pub struct Loader {
    requests: Sender<(Effect, i64)>,
}

impl Loader {
    pub fn start(db: PathBuf, config: Config, inbox: Sender<Inbox>) -> Loader {
        let (requests, rx) = channel::<(Effect, i64)>();
        std::thread::spawn(move || {
            let Ok(store) = Store::open(&db) else {
                // dropping `rx` tells `send` to load on the caller's thread instead
                return;
            };
            serve(&store, &config, &rx, &inbox);
        });
        Loader { requests }
    }

    /// Hands a load to the thread; gives the effect back if the thread has stopped.
    pub fn send(&self, fx: Effect) -> Result<(), Effect> {
        self.requests
            .send((fx, now_unix()))
            .map_err(|SendError((fx, _))| fx)
    }
}

fn serve(store: &Store, config: &Config, rx: &Receiver<(Effect, i64)>, inbox: &Sender<Inbox>) {
    let agent = config.agent.as_str();
    while let Ok(first) = rx.recv() {
        // A burst of keys: only the newest list, preview and report are loaded.
        let mut list = None;
        let mut preview = None;
        let mut report = None;
        let mut sla = None;
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
                Effect::LoadReport { period, dimension } => {
                    report = Some((period, dimension, now));
                }
                Effect::LoadSla => sla = Some(now),
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
        // stages move with time: a list that may ask is:breaching, and the counter, bring
        // them up to date first (two small reads when they still hold)
        if let Some(now) = sla.or(list.as_ref().map(|l| l.1)) {
            refresh_stages(store.conn(), config, now);
        }
        if let Some((fx, now)) = list {
            events.push(load_list(store, agent, fx, now));
        }
        if sla.is_some() {
            events.push(load_sla(store.conn()));
        }
        if let Some(id) = preview {
            events.push(load_preview(store, id));
        }
        if let Some((period, dimension, now)) = report {
            events.push(load_report(store.conn(), config, period, dimension, now));
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

/// A failure leaves the stages as they were: the counter and `is:breaching` lag, the
/// console goes on.
fn refresh_stages(conn: &Connection, config: &Config, now: i64) {
    let now = DateTime::<Utc>::from_timestamp(now, 0).unwrap_or_default();
    if let Err(e) = crate::worker::service_levels::refresh_stages(conn, config, now) {
        tracing::warn!(error = %e, "service-level stages");
    }
}

/// The stored stages at a glance, for the status bar's counter and the bell.
pub fn load_sla(conn: &Connection) -> Event {
    match stages::summary(conn) {
        Ok(s) => Event::SlaLoaded(SlaCounts {
            breached: s.breached,
            approaching: s.approaching,
        }),
        Err(e) => Event::Error(format!("service levels: {e}")),
    }
}

/// The stages brought up to date as of `now`, then at a glance: the loader's work, for
/// when its thread has stopped.
pub fn refresh_and_load_sla(conn: &Connection, config: &Config, now: i64) -> Event {
    refresh_stages(conn, config, now);
    load_sla(conn)
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

/// The report screen's figures for `period` up to `now`, grouped by `dimension`.
pub fn load_report(
    conn: &Connection,
    config: &Config,
    period: ReportPeriod,
    dimension: Dimension,
    now: i64,
) -> Event {
    // The console's clock counts whole seconds, as stored times do: what was stored in the
    // current second happened before this load, so the report runs to that second's end.
    let now = DateTime::<Utc>::from_timestamp(now.saturating_add(1), 0).unwrap_or_default();
    let zone = zone(config);
    match tickets(conn, config, period.window(now, &zone), now) {
        Ok(t) => Event::ReportLoaded(Box::new(report_data(&t, period, dimension, now, &zone))),
        Err(e) => Event::ReportFailed(format!("report: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::load_report;
    use crate::app::{Event, ReportPeriod};
    use crate::config::Config;
    use crate::domain::report::Dimension;
    use crate::store::Store;
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;

    /// The console's clock counts whole seconds: a ticket stored in the second the report
    /// screen asks is on it.
    #[test]
    fn the_report_screen_counts_the_current_second() {
        let config = Config::parse(
            "[[accounts]]\nname = \"shop\"\nemail = \"shop@example.test\"\n\
             [accounts.imap]\nhost = \"127.0.0.1\"\n",
            std::path::Path::new("config.toml"),
        )
        .expect("config");
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::from(&config.accounts[0]);
        let second = 1_800_000_000;
        let date = chrono::DateTime::from_timestamp(second, 0).unwrap_or_default();
        let raw = format!(
            "From: anna@example.test\r\nTo: shop@example.test\r\nSubject: Boots\r\n\
             Date: {}\r\nMessage-ID: <a@example.test>\r\n\r\nToo small.\r\n",
            date.to_rfc2822()
        );
        ingest_raw(&mut store, &account, "INBOX", &[raw.into_bytes()]).expect("ingest");
        let Event::ReportLoaded(data) = load_report(
            store.conn(),
            &config,
            ReportPeriod::Days7,
            Dimension::Day,
            second,
        ) else {
            panic!("no report");
        };
        assert_eq!(data.total.tickets_created, 1);
    }
}
