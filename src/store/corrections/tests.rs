//! Corrections on a store: what moves, what a merged number answers for, how undo walks
//! back, and that a replay of the log rebuilds the corrected tickets.

use super::*;
use crate::store::Store;
use crate::store::ingest::AccountIdentity;
use crate::store::replay::{rebuild, ticket_states};
use crate::store::{read, ticket_ops};
use crate::worker::import::ingest_raw;

const CLI: EventSource = EventSource::Cli;

fn shop() -> AccountIdentity {
    AccountIdentity::new("shop", "SHOP", &["shop@example.test"])
}

fn mail(id: &str, from: &str, subject: &str, minute: u32, extra: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: shop@example.test\r\nSubject: {subject}\r\n\
         Date: Tue, 24 Nov 2026 10:{minute:02}:00 +0000\r\nMessage-ID: <{id}>\r\n{extra}\r\n\
         Words of {id}\r\n"
    )
    .into_bytes()
}

/// #1: Anna's parcel (a1, a2 answering a1, a3 answering a2); #2: Anna's invoice (b1),
/// tagged `vip` and with a note.
fn world() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let anna = "anna@example.test";
    let raws = [
        mail("a1@x", anna, "Parcel", 0, ""),
        mail("b1@x", anna, "Invoice", 1, ""),
        mail("a2@x", anna, "Re: Parcel", 2, "In-Reply-To: <a1@x>\r\n"),
        mail("a3@x", anna, "Re: Parcel", 3, "In-Reply-To: <a2@x>\r\n"),
    ];
    ingest_raw(&mut store, &shop(), "INBOX", &raws).expect("ingest");
    ticket_ops::tag(store.conn(), 2, &["vip".into()], &[], "alice", CLI).expect("tag");
    ticket_ops::add_note(store.conn(), 2, "asked accounting", "alice", CLI).expect("note");
    store
}

/// Each ticket's message ids, as `show` lists them; merged tickets left out.
fn threads(store: &Store) -> Vec<(TicketId, Vec<String>)> {
    let ids = read::recent_ticket_ids(store.conn(), 100, 0).expect("ids");
    let mut out: Vec<(TicketId, Vec<String>)> = ids
        .into_iter()
        .map(|id| {
            let d = read::ticket_detail(store.conn(), id).expect("detail");
            assert_eq!(d.ticket.message_count, d.messages.len() as i64, "#{id}");
            (id, d.messages.into_iter().map(|m| m.message_id).collect())
        })
        .collect();
    out.sort();
    out
}

fn row(store: &Store, message_id: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT id FROM messages WHERE message_id = ?1",
            [message_id],
            |r| r.get(0),
        )
        .expect("row")
}

#[test]
fn a_merge_moves_messages_tags_and_notes_and_the_number_answers_for_the_survivor() {
    let mut store = world();
    let c = merge(store.conn(), 2, 1, "alice", CLI).expect("merge");
    assert_eq!(
        (c.kind, c.from, c.into, c.messages.len()),
        (CorrectionKind::Merge, 2, 1, 2)
    );
    let t = threads(&store);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0].0, 1);
    assert_eq!(t[0].1.len(), 5, "{t:?}");
    let survivor_detail = read::ticket_detail(store.conn(), 1).expect("detail");
    assert_eq!(survivor_detail.ticket.tags, ["vip"]);
    assert_eq!(survivor(store.conn(), 2).expect("survivor"), 1);
    let b1 = survivor_detail
        .messages
        .iter()
        .find(|m| m.message_id == "b1@x")
        .expect("b1");
    assert_eq!(b1.placed.to_string(), "moved here from #2 by alice");

    // The customer answers with the old token: it lands on the survivor, and says why.
    let reply = mail("b2@x", "anna@example.test", "Re: [SHOP #2] Invoice", 9, "");
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[reply]).expect("ingest");
    assert_eq!(out, [crate::store::ingest::IngestOutcome::Threaded(1)]);
    let b2 = read::messages(store.conn(), &[row(&store, "b2@x")]).expect("b2");
    assert_eq!(b2[0].ticket_id, Some(1));
    assert_eq!(b2[0].placed.to_string(), "our token [SHOP #2]");

    #[rustfmt::skip]
    let refused = [
        (merge(store.conn(), 1, 1, "a", CLI).err(), "cannot merge #1 into itself"),
        (merge(store.conn(), 1, 2, "a", CLI).err(), "cannot merge #1 into itself"),
        (merge(store.conn(), 2, 1, "a", CLI).err(), "#2 was merged into #1"),
        (merge(store.conn(), 9, 1, "a", CLI).err(), "no ticket #9"),
    ];
    for (err, want) in refused {
        assert_eq!(err.map(|e| e.to_string()).as_deref(), Some(want));
    }
}

#[test]
fn moves_and_splits_take_the_messages_asked_for() {
    let store = world();
    let conn = store.conn();
    let (a2, a3, b1) = (
        row(&store, "a2@x"),
        row(&store, "a3@x"),
        row(&store, "b1@x"),
    );
    let c = split(conn, 1, a2, "alice", CLI).expect("split");
    assert_eq!((c.kind, c.from, c.into), (CorrectionKind::Split, 1, 3));
    assert_eq!(c.messages, [a2, a3]);
    let new = read::ticket_summary(conn, 3).expect("new ticket");
    assert_eq!(
        (new.subject.as_str(), new.status),
        ("Re: Parcel", Status::Open)
    );
    let c = move_message(conn, a3, Target::Ticket(2), "alice", CLI).expect("move");
    assert_eq!(
        (c.kind, c.messages.clone()),
        (CorrectionKind::Move, vec![a3])
    );
    assert_eq!(
        threads(&store),
        [
            (1, vec!["a1@x".to_string()]),
            (2, vec!["b1@x".into(), "a3@x".into(), "note".into()]),
            (3, vec!["a2@x".into()]),
        ]
        .map(|(t, ids)| (t, ids.into_iter().map(|i| real_id(&store, t, &i)).collect()))
    );
    // the last message of #3 moved away takes its ticket along
    let c = move_message(conn, a2, Target::Ticket(1), "alice", CLI).expect("last");
    assert_eq!((c.kind, c.from, c.into), (CorrectionKind::Merge, 3, 1));
    #[rustfmt::skip]
    let refused = [
        (move_message(conn, b1, Target::Ticket(2), "a", CLI).err(), "message 2 is on #2 already"),
        (move_message(conn, 99, Target::New, "a", CLI).err(), "no message 99"),
        (split(conn, 1, row(&store, "a1@x"), "a", CLI).err(),
         "message 1 is the first on #1: splitting there would move the whole ticket"),
        (split(conn, 1, b1, "a", CLI).err(), "message 2 is not on #1"),
    ];
    for (err, want) in refused {
        assert_eq!(err.map(|e| e.to_string()).as_deref(), Some(want));
    }
    // a merged number as the target is its survivor
    let c = move_message(conn, a3, Target::Ticket(3), "alice", CLI).expect("to #3");
    assert_eq!((c.from, c.into), (2, 1));
}

/// The note's Message-ID is made up when it is written: `note` stands for it.
fn real_id(store: &Store, ticket: TicketId, id: &str) -> String {
    if id != "note" {
        return id.to_string();
    }
    store
        .conn()
        .query_row(
            "SELECT message_id FROM messages WHERE direction = 'note' AND ticket_id = ?1",
            [ticket],
            |r| r.get(0),
        )
        .expect("note")
}

#[test]
fn undo_walks_back_one_correction_at_a_time() {
    let store = world();
    let conn = store.conn();
    let start = threads(&store);
    let a2 = row(&store, "a2@x");
    let placed_before = read::messages(conn, &[a2]).expect("a2")[0].placed.clone();
    merge(conn, 2, 1, "alice", CLI).expect("merge");
    let after_merge = threads(&store);
    split(conn, 1, a2, "alice", CLI).expect("split");
    move_message(conn, row(&store, "b1@x"), Target::New, "bob", CLI).expect("move");

    let undone = undo(conn, "alice", CLI).expect("undo").expect("the move");
    assert!(undone.undo);
    assert_eq!(undone.kind, CorrectionKind::Merge, "{undone:?}");
    let undone = undo(conn, "alice", CLI).expect("undo").expect("the split");
    assert_eq!((undone.kind, undone.into), (CorrectionKind::Merge, 1));
    assert_eq!(threads(&store), after_merge);
    // back where threading put it, saying so again
    assert_eq!(
        read::messages(conn, &[a2]).expect("a2")[0].placed,
        placed_before
    );
    let undone = undo(conn, "alice", CLI).expect("undo").expect("the merge");
    assert_eq!(
        (undone.kind, undone.from, undone.into),
        (CorrectionKind::Unmerge, 1, 2)
    );
    assert_eq!(threads(&store), start);
    assert_eq!(read::ticket_summary(conn, 2).expect("#2").tags, ["vip"]);
    assert!(read::ticket_summary(conn, 1).expect("#1").tags.is_empty());
    assert_eq!(survivor(conn, 2).expect("own again"), 2);
    assert_eq!(undo(conn, "alice", CLI).expect("nothing"), None);
}

#[test]
fn a_replay_rebuilds_the_corrected_tickets() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("shop.db");
    let mut store = Store::open(&db).expect("store");
    let anna = "anna@example.test";
    let raws = [
        mail("a1@x", anna, "Parcel", 0, ""),
        mail("b1@x", anna, "Invoice", 1, ""),
        mail("a2@x", anna, "Re: Parcel", 2, "In-Reply-To: <a1@x>\r\n"),
        mail("a3@x", anna, "Re: Parcel", 3, "In-Reply-To: <a2@x>\r\n"),
    ];
    ingest_raw(&mut store, &shop(), "INBOX", &raws).expect("ingest");
    let conn = store.conn();
    ticket_ops::tag(conn, 2, &["vip".into()], &[], "alice", CLI).expect("tag");
    ticket_ops::add_note(conn, 2, "asked accounting", "alice", CLI).expect("note");
    merge(conn, 2, 1, "alice", CLI).expect("merge");
    split(conn, 1, row(&store, "a3@x"), "alice", CLI).expect("split");
    move_message(conn, row(&store, "b1@x"), Target::Ticket(3), "alice", CLI).expect("move");
    undo(conn, "alice", CLI).expect("undo");
    move_message(conn, row(&store, "a2@x"), Target::New, "bob", CLI).expect("to new");
    // mail after the corrections, by the merged number
    let late = mail("b2@x", anna, "Re: [SHOP #2] Invoice", 9, "");
    ingest_raw(&mut store, &shop(), "INBOX", &[late]).expect("late");
    let original = ticket_states(store.conn()).expect("states");
    let placements = |s: &Store| -> Vec<(String, Option<i64>, String)> {
        s.conn()
            .prepare(
                "SELECT message_id, ticket_id, coalesce(placed_json, placed_by) FROM messages
                  ORDER BY message_id",
            )
            .expect("p")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let placed = placements(&store);
    drop(store);

    let mut rebuilt = Store::open_in_memory().expect("empty");
    rebuild(&mut rebuilt, &db).expect("replay");
    assert_eq!(ticket_states(rebuilt.conn()).expect("rebuilt"), original);
    assert_eq!(placements(&rebuilt), placed);
    assert_eq!(survivor(rebuilt.conn(), 2).expect("survivor"), 1);
}
