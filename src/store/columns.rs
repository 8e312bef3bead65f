//! Stored columns read back as domain types: statuses, directions and outbox kinds from
//! their text, times from unix seconds. A value no variant names is an error that names
//! the column's meaning and the value (`StoreError::Unknown`), never a silent default.

use chrono::{DateTime, Utc};
use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

use crate::domain::order::OrderStatus;
use crate::domain::outbox::{OutboxState, ReplyKind};
use crate::domain::{Direction, PlacedBy, Status};

/// A stored text that no variant of its type names (a database written by a newer
/// version, or edited by hand). Travels inside rusqlite's conversion error and becomes
/// `StoreError::Unknown` (see `StoreError::from`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}'")]
pub(crate) struct UnknownColumn {
    pub what: &'static str,
    pub value: String,
}

fn text_as<T>(
    v: ValueRef<'_>,
    what: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> FromSqlResult<T> {
    let s = v.as_str()?;
    parse(s).ok_or_else(|| {
        FromSqlError::Other(Box::new(UnknownColumn {
            what,
            value: s.to_string(),
        }))
    })
}

impl FromSql for Status {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        // exact names only: the schema's CHECK writes them lower-case
        text_as(v, "ticket status", |s| {
            Status::ALL.into_iter().find(|st| st.as_str() == s)
        })
    }
}

impl FromSql for Direction {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        text_as(v, "message direction", Direction::parse)
    }
}

impl FromSql for PlacedBy {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        text_as(v, "threading rule", PlacedBy::parse)
    }
}

impl FromSql for ReplyKind {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        text_as(v, "outbox kind", |s| s.parse().ok())
    }
}

impl FromSql for OutboxState {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        text_as(v, "outbox state", |s| s.parse().ok())
    }
}

impl FromSql for OrderStatus {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        text_as(v, "order status", |s| {
            OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
        })
    }
}

/// Unix seconds as a time. Out of chrono's range (never written by shopdesk) reads as the
/// epoch, as the JSON always showed it.
pub(crate) fn unix_time(secs: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default()
}

/// Column `i`, unix seconds, as a time.
pub(crate) fn time(r: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    Ok(unix_time(r.get(i)?))
}

/// Column `i`, unix seconds or NULL, as a time.
pub(crate) fn opt_time(r: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(unix_time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;
    use rusqlite::Connection;

    fn read<T: FromSql>(conn: &Connection, value: &str) -> Result<T, StoreError> {
        Ok(conn.query_row("SELECT ?1", [value], |r| r.get::<_, T>(0))?)
    }

    #[test]
    fn stored_names_read_as_their_variants_and_unknown_ones_are_named() {
        let conn = Connection::open_in_memory().expect("db");
        for st in Status::ALL {
            assert_eq!(read::<Status>(&conn, st.as_str()).expect("status"), st);
        }
        assert_eq!(
            read::<Direction>(&conn, "note").expect("dir"),
            Direction::Note
        );
        assert_eq!(
            read::<PlacedBy>(&conn, "references").expect("placed"),
            PlacedBy::References
        );
        assert_eq!(
            read::<ReplyKind>(&conn, "auto_ack").expect("kind"),
            ReplyKind::AutoAck
        );
        assert_eq!(
            read::<OutboxState>(&conn, "sending").expect("state"),
            OutboxState::Sending
        );
        #[rustfmt::skip]
        let bad = [
            (read::<Status>(&conn, "waiting").err(), "ticket status", "waiting"),
            (read::<Status>(&conn, "Open").err(), "ticket status", "Open"),
            (read::<Direction>(&conn, "sideways").err(), "message direction", "sideways"),
            (read::<ReplyKind>(&conn, "bounce").err(), "outbox kind", "bounce"),
            (read::<OutboxState>(&conn, "lost").err(), "outbox state", "lost"),
        ];
        for (err, what, value) in bad {
            match err {
                Some(StoreError::Unknown { what: w, value: v }) => {
                    assert_eq!((w, v.as_str()), (what, value));
                }
                other => panic!("{what} '{value}': {other:?}"),
            }
        }
    }

    /// A customer's reply on a ticket whose stored status is unknown stops with an error
    /// naming it: it does not reopen the ticket as if it were open.
    #[test]
    fn an_unknown_stored_status_stops_ingest_and_reads() {
        use crate::store::ingest::AccountIdentity;
        use crate::store::{Store, read};
        use crate::worker::import::ingest_raw;
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let mail = |id: &str, extra: &str| {
            format!(
                "From: anna@example.test\r\nTo: shop@example.test\r\nSubject: Parcel\r\n\
                 Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{id}>\r\n{extra}\r\nHello\r\n"
            )
            .into_bytes()
        };
        ingest_raw(&mut store, &account, "INBOX", &[mail("a@x", "")]).expect("first");
        // what a newer shopdesk with another status might leave behind
        store
            .conn()
            .execute_batch(
                "PRAGMA ignore_check_constraints = ON;
                 UPDATE tickets SET status = 'waiting';
                 PRAGMA ignore_check_constraints = OFF;",
            )
            .expect("write unknown status");
        let reply = mail("b@x", "In-Reply-To: <a@x>\r\n");
        let unknown = |e: StoreError| match e {
            StoreError::Unknown { what, value } => (what, value),
            other => panic!("{other:?}"),
        };
        let err = ingest_raw(&mut store, &account, "INBOX", &[reply]).expect_err("ingest");
        assert_eq!(unknown(err), ("ticket status", "waiting".to_string()));
        let err = read::ticket_summary(store.conn(), 1).expect_err("read");
        assert_eq!(unknown(err), ("ticket status", "waiting".to_string()));
    }

    #[test]
    fn times_read_from_unix_seconds() {
        assert_eq!(unix_time(0).to_rfc3339(), "1970-01-01T00:00:00+00:00");
        assert_eq!(unix_time(1_795_521_600).timestamp(), 1_795_521_600);
        assert_eq!(unix_time(i64::MAX), DateTime::<Utc>::default());
    }
}
