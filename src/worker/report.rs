//! A report's tickets, read and assessed: what `shopdesk report` and the console's report
//! screen both start from. The figures are `domain::report`'s; printing and drawing them
//! are the CLI's and the console's.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::kpi::Window;
use crate::domain::report::{Dimension, Figures, figures};
use crate::domain::sla::levels::Assessed;
use crate::domain::sla::{BusinessCalendar, Zone};
use crate::store::StoreError;
use crate::store::timeline::Scope;
use crate::worker::service_levels::assess_tickets;

/// The shop's time zone: report periods are its days, weeks and months.
pub fn zone(config: &Config) -> Zone {
    BusinessCalendar::from(&config.sla.hours).zone
}

/// The tickets a report over window `w` counts, assessed under the config's policies as of
/// `now` (group them with `domain::report::figures`, as often as needed).
pub fn tickets(
    conn: &Connection,
    config: &Config,
    w: Window,
    now: DateTime<Utc>,
) -> Result<Vec<Assessed>, StoreError> {
    let scope = Scope::Window {
        // a repeat contact looks back at tickets solved before the window
        since: (w.since - config.sla.repeat_window).timestamp(),
        until: w.until.timestamp(),
    };
    Ok(assess_tickets(conn, config, scope, now)?.1)
}

/// The figures of window `w` as of `now`, grouped by `by`.
pub fn load(
    conn: &Connection,
    config: &Config,
    w: Window,
    by: Option<Dimension>,
    now: DateTime<Utc>,
) -> Result<Figures, StoreError> {
    let tickets = tickets(conn, config, w, now)?;
    Ok(figures(&tickets, w, by, &zone(config)))
}
