//! Raw messages into the store without a server: parsed here, stored by `store::ingest`,
//! the same path as IMAP sync. For imports, the demo shop, tests and benchmarks.

use crate::mail::parse::parse_message;
use crate::store::ingest::{
    AccountIdentity, Fetched, IngestOutcome, Prepared, index_queued, ingest_prepared,
};
use crate::store::{Store, StoreError, mailboxes};

/// Parses and stores raw messages into `mailbox` in one transaction, numbering UIDs after
/// the highest one held.
pub fn ingest_raw(
    store: &mut Store,
    account: &AccountIdentity,
    mailbox: &str,
    raws: &[Vec<u8>],
) -> Result<Vec<IngestOutcome>, StoreError> {
    let cursor = mailboxes::mailbox(store.conn(), &account.name, mailbox)?;
    let next: u32 = mailboxes::local_uids(store.conn(), cursor.id)?
        .last()
        .map_or(1, |u| u + 1);
    let tx = store.write()?;
    let mut outcomes = Vec::with_capacity(raws.len());
    for (i, raw) in raws.iter().enumerate() {
        let parsed = parse_message(raw);
        let fetched = Fetched {
            uid: next + i as u32,
            flags: String::new(),
            modseq: None,
            internal_date: parsed.date,
            raw: raw.clone(),
            history: false,
        };
        let message = Prepared::new(fetched, parsed);
        outcomes.push(ingest_prepared(&tx, account, Some(cursor.id), &message)?);
    }
    index_queued(&tx)?;
    tx.commit()?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::query::parse_query;

    fn mail(n: usize) -> Vec<u8> {
        format!(
            "From: Customer {n} <c{n}@customer.example>\r\nTo: shop@example.test\r\n\
             Subject: Refund for order {n}\r\nMessage-ID: <m{n}@customer.example>\r\n\
             Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nPlease refund order {n}, parcel {n}.\r\n"
        )
        .into_bytes()
    }

    /// How many segments an FTS5 index is made of, from its structure record (row 10: a
    /// 4-byte cookie, an optional 4-byte version mark, then varints for the levels and
    /// the segments).
    fn segments(store: &Store, table: &str) -> u64 {
        let block: Vec<u8> = store
            .conn()
            .query_row(
                &format!("SELECT block FROM {table} WHERE id = 10"),
                [],
                |r| r.get(0),
            )
            .expect("structure record");
        let mut at = if block.get(4..8) == Some(&[0xff, 0, 0, 1][..]) {
            8
        } else {
            4
        };
        let mut varint = || {
            let mut v = 0u64;
            for (n, b) in block[at..].iter().enumerate() {
                if n == 8 {
                    v = (v << 8) | u64::from(*b);
                    at += 9;
                    return v;
                }
                v = (v << 7) | u64::from(b & 0x7f);
                if b & 0x80 == 0 {
                    at += n + 1;
                    return v;
                }
            }
            panic!("truncated varint")
        };
        let _levels = varint();
        varint()
    }

    /// A batch is indexed as one FTS5 segment per index, not one per message: written a
    /// message at a time, each entry was flushed as a segment of its own by the next
    /// statement that opened a savepoint.
    #[test]
    fn a_batch_is_indexed_in_one_go_and_every_message_is_found() {
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let raws: Vec<Vec<u8>> = (0..200).map(mail).collect();
        // no merging, which would hide how many segments were written
        for table in ["message_fts", "message_senders"] {
            for (key, value) in [("automerge", 0), ("crisismerge", 2000)] {
                store
                    .conn()
                    .execute(
                        &format!("INSERT INTO {table} ({table}, rank) VALUES (?1, ?2)"),
                        rusqlite::params![key, value],
                    )
                    .expect("merge setting");
            }
        }
        ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
        for table in ["message_fts_data", "message_senders_data"] {
            assert_eq!(segments(&store, table), 1, "{table}");
        }
        for (query, hits) in [
            ("refund", 200),
            ("from:customer.example", 200),
            ("from:c17@customer.example", 1),
        ] {
            let q = parse_query(query).expect("query");
            let ctx = crate::store::query_sql::QueryContext {
                agent: "me".into(),
                now: 0,
            };
            let plan = crate::store::query_sql::message_search(&q, &ctx, 1000);
            let found = crate::store::search::run_ids(store.conn(), &plan).expect("search");
            assert_eq!(found.len(), hits, "{query}");
        }
    }
}
