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
        until: w.until_second(),
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

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::tickets;
    use crate::config::Config;
    use crate::domain::kpi::Window;
    use crate::store::Store;
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;

    const CONFIG: &str = "[[accounts]]\nname = \"shop\"\nemail = \"shop@example.test\"\n\
                          [accounts.imap]\nhost = \"127.0.0.1\"\n";

    /// Times are stored in whole seconds: a ticket written in the second a report is asked
    /// for is part of it (a report run straight after a sync counted nothing).
    #[test]
    fn a_ticket_of_the_current_second_is_counted() {
        let config = Config::parse(CONFIG, std::path::Path::new("config.toml")).expect("config");
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::from(&config.accounts[0]);
        let second = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let raw = format!(
            "From: anna@example.test\r\nTo: shop@example.test\r\nSubject: Boots\r\n\
             Date: {}\r\nMessage-ID: <a@example.test>\r\n\r\nToo small.\r\n",
            second.to_rfc2822()
        );
        ingest_raw(&mut store, &account, "INBOX", &[raw.into_bytes()]).expect("ingest");
        let cases: [(i64, usize); 4] = [(0, 0), (1, 1), (999, 1), (1_000, 1)];
        for (after_ms, want) in cases {
            let now: DateTime<Utc> = second + Duration::milliseconds(after_ms);
            let w = Window {
                since: second - Duration::days(1),
                until: now,
            };
            let got = tickets(store.conn(), &config, w, now).expect("tickets");
            assert_eq!(got.len(), want, "report until {after_ms} ms after the mail");
        }
    }
}
