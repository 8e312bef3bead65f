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
        let message = Prepared::new(fetched, parsed, account);
        outcomes.push(ingest_prepared(&tx, account, Some(cursor.id), &message)?);
    }
    index_queued(&tx)?;
    tx.commit()?;
    Ok(outcomes)
}
