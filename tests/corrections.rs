//! Threading corrections from outside, against mail synced from a real Dovecot: merge,
//! split, move and undo on the command line (options anywhere, exit codes, JSON), why a
//! message is where it is, and a merged ticket's old token threading onto the survivor,
//! on the command line and in the console (tmux).

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::messages::{customer_mail, customer_reply};
use support::tmux::Tmux;
use support::{MailStack, list_json, ok, run, setup, shopdesk, stderr, stdout};

const SHOP: &str = support::mailstack::SHOP;
const ANNA: &str = "anna@customer.example";

fn show(config: &Path, db: &Path, id: i64) -> Value {
    serde_json::from_str(&ok(shopdesk(config, db).args([
        "show",
        &id.to_string(),
        "--json",
    ])))
    .unwrap()
}

/// Anna's parcel question (and her reply to it) and her invoice question, synced: the
/// ticket numbers of (parcel, invoice).
fn two_tickets(stack: &MailStack, config: &Path, db: &Path) -> (i64, i64) {
    two_tickets_in(stack, config, db, "INBOX")
}

/// Anna's three mails of `two_tickets`, as the server files them.
fn annas_mail() -> Vec<Vec<u8>> {
    let parcel = customer_mail(1, ANNA, "Where is my parcel?", "It has not come.");
    let invoice = customer_mail(2, ANNA, "Invoice for order 1001", "Please send it.");
    let again = customer_reply(
        3,
        ANNA,
        "Where is my parcel?",
        "c1.19@customer.example",
        "Any news?",
    );
    vec![parcel, invoice, again]
}

fn two_tickets_in(stack: &MailStack, config: &Path, db: &Path, folder: &str) -> (i64, i64) {
    stack.append(SHOP, folder, &annas_mail());
    ok(shopdesk(config, db).arg("sync"));
    let tickets = list_json(config, db, &[]);
    assert_eq!(tickets.len(), 2, "{tickets:?}");
    let id = |subject: &str| {
        tickets
            .iter()
            .find(|t| t["subject"].as_str().unwrap().starts_with(subject))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    (id("Where"), id("Invoice"))
}

fn placed(message: &Value) -> (String, Value) {
    (
        message["placed"]["by"].as_str().unwrap().to_string(),
        message["placed"]["matched"].clone(),
    )
}

#[test]
fn a_merged_tickets_old_token_lands_on_the_survivor() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "");
    let (parcel, invoice) = two_tickets(&stack, &config, &db);
    let (p, i) = (parcel.to_string(), invoice.to_string());
    ok(shopdesk(&config, &db).args(["tag", &i, "+vip"]));
    ok(shopdesk(&config, &db).args(["note", &i, "sent the invoice by post"]));

    // Why each message is here, before anything is corrected.
    let before = show(&config, &db, parcel);
    let msgs = before["messages"].as_array().unwrap();
    assert_eq!(placed(&msgs[0]), ("new".into(), Value::Null));
    let (by, matched) = placed(&msgs[1]);
    assert_eq!(by, "references");
    assert_eq!(matched["what"], "answers");
    assert_eq!(matched["message_id"], "c1.19@customer.example");
    assert_eq!(matched["message"], msgs[0]["id"]);
    assert_eq!(msgs[1]["placed_by"], "references", "the old field stays");

    // Options before, between and after the numbers.
    let out = ok(shopdesk(&config, &db).args(["merge", "--json", &i, &p]));
    let done: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(done["kind"], "merge");
    assert_eq!(
        (done["from"].as_i64(), done["into"].as_i64()),
        (Some(invoice), Some(parcel))
    );
    assert_eq!(done["messages"].as_array().unwrap().len(), 2, "{out}");
    assert_eq!(done["undo"], false);
    assert_eq!(list_json(&config, &db, &[]).len(), 1);

    // `show A` shows B, and says so on stderr.
    let o = run(shopdesk(&config, &db).args(["show", &i, "--json"]));
    assert!(o.status.success());
    assert!(
        stderr(&o).contains(&format!("#{invoice} was merged into #{parcel}")),
        "{}",
        stderr(&o)
    );
    let survivor: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(survivor["id"].as_i64(), Some(parcel));
    assert_eq!(survivor["tags"], serde_json::json!(["vip"]));
    assert_eq!(survivor["message_count"], 4);
    let texts: Vec<&str> = survivor["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("sent the invoice by post")),
        "{texts:?}"
    );
    // the ticket verbs on the merged number act on the survivor
    ok(shopdesk(&config, &db).args(["tag", &i, "+wismo"]));
    assert_eq!(
        show(&config, &db, parcel)["tags"],
        serde_json::json!(["vip", "wismo"])
    );

    // The customer answers our old mail on the invoice: the token lands on the survivor.
    let subject = format!("Re: [SHOP #{invoice}] Invoice for order 1001");
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(4, ANNA, &subject, "Got it, thanks!")],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    let after = show(&config, &db, parcel);
    let last = after["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"].as_str().unwrap().contains("Got it"))
        .unwrap()
        .clone();
    let (by, matched) = placed(&last);
    assert_eq!(by, "token");
    assert_eq!(matched["token"], format!("[SHOP #{invoice}]"));
    assert_eq!(matched["number"].as_i64(), Some(invoice));
    let text = ok(shopdesk(&config, &db).args(["show", &p]));
    assert!(
        text.contains(&format!("why here: our token [SHOP #{invoice}]")),
        "{text}"
    );
    assert!(
        text.contains(&format!("why here: moved here from #{invoice} by alice")),
        "{text}"
    );

    // A second sync of the same mailbox changes nothing: the correction stands.
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(show(&config, &db, parcel)["messages"], after["messages"]);
}

/// `reply A` after A was merged into B answers on B, as `show A` shows B: the mail
/// carries B's token, and the reply (with the status it sets once sent) is queued for B.
#[test]
fn a_reply_to_a_merged_number_goes_to_the_survivor() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    let (parcel, invoice) = two_tickets(&stack, &config, &db);
    let (p, i) = (parcel.to_string(), invoice.to_string());
    ok(shopdesk(&config, &db).args(["merge", &i, &p]));
    let body = tmp.path().join("body.txt");
    std::fs::write(&body, "Both are on their way.").unwrap();
    let body = body.to_str().unwrap();

    let dry =
        ok(shopdesk(&config, &db).args(["reply", &i, "--body-file", body, "--dry-run", "--json"]));
    let mail: Value = serde_json::from_str(&dry).unwrap();
    assert_eq!(mail["ticket_id"].as_i64(), Some(parcel), "{dry}");
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .contains(&format!("[SHOP #{parcel}]")),
        "{dry}"
    );

    // Queued only: the test stack delivers nowhere, and the outbox row says where the
    // reply and its status go.
    let o = run(shopdesk(&config, &db).args([
        "reply",
        &i,
        "--body-file",
        body,
        "--status",
        "pending",
        "--queue-only",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("#{invoice} was merged into #{parcel}")),
        "{}",
        stderr(&o)
    );
    let rows: Value = serde_json::from_str(&ok(
        shopdesk(&config, &db).args(["outbox", "list", "--json"])
    ))
    .unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["ticket_id"].as_i64(), Some(parcel), "{rows:?}");
}

#[test]
fn split_move_and_undo_on_the_command_line() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "");
    let (parcel, invoice) = two_tickets(&stack, &config, &db);
    let p = parcel.to_string();
    let msgs = show(&config, &db, parcel)["messages"].clone();
    let second = msgs[1]["id"].as_i64().unwrap().to_string();

    let out = ok(shopdesk(&config, &db).args(["split", &p, "--json", &second]));
    let split: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(split["kind"], "split");
    let new = split["into"].as_i64().unwrap();
    assert_eq!(list_json(&config, &db, &[]).len(), 3);
    let moved = show(&config, &db, new);
    assert_eq!(moved["status"], "open");
    assert_eq!(moved["messages"][0]["placed"]["matched"]["what"], "moved");
    assert_eq!(
        moved["messages"][0]["placed"]["matched"]["from"].as_i64(),
        Some(parcel)
    );

    let out = ok(shopdesk(&config, &db).args(["move", &second, &format!("#{invoice}")]));
    assert_eq!(
        out.trim(),
        format!("merged #{new} into #{invoice} (1 message)"),
        "the last message of a ticket takes it along"
    );
    assert_eq!(show(&config, &db, invoice)["message_count"], 2);

    // Undo, one correction at a time, back to where threading put everything.
    let out = ok(shopdesk(&config, &db).args(["undo", "--json"]));
    let undone: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (undone["kind"].as_str(), undone["undo"].as_bool()),
        (Some("unmerge"), Some(true))
    );
    let out = ok(shopdesk(&config, &db).arg("undo"));
    assert!(out.starts_with("undone: "), "{out}");
    let back = show(&config, &db, parcel);
    assert_eq!(back["message_count"], 2);
    assert_eq!(back["messages"][1]["placed"]["by"], "references");
    assert_eq!(list_json(&config, &db, &[]).len(), 2);
    let o = run(shopdesk(&config, &db).arg("undo"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing to undo"), "{}", stderr(&o));

    // Usage errors exit 2, refusals and unknown numbers 1, with one line saying why.
    let first = msgs[0]["id"].as_i64().unwrap().to_string();
    #[rustfmt::skip]
    let cases: &[(&[&str], i32, &str)] = &[
        (&["merge", "x", "1"], 2, "'x' is not a ticket number"),
        (&["merge", "1"], 2, "required"),
        (&["move", "1", "nowhere"], 2, "'nowhere' is not a ticket number"),
        (&["split", "1", "abc"], 2, "'abc' is not a message number"),
        (&["undo", "extra"], 2, "unexpected argument"),
        (&["merge", "99", &p], 1, "no ticket #99"),
        (&["merge", &p, &p], 1, "into itself"),
        (&["move", "999", "new"], 1, "no message 999"),
        (&["split", &p, &first], 1, "splitting there would move the whole ticket"),
    ];
    for (args, code, says) in cases {
        let o = run(shopdesk(&config, &db).args(*args));
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

/// The server rebuilds the folder (a new UIDVALIDITY, as after a server move or a repaired
/// index): every message comes back under a new UID and is fetched again, and the merge
/// and the move made before stand as they were; the merged number still threads.
#[test]
fn corrections_survive_a_refetch_of_the_whole_folder() {
    let stack = MailStack::start();
    let folder = "Support";
    let (_tmp, config, db) = setup(&stack, &format!("folders = [\"INBOX\", \"{folder}\"]"));
    let (parcel, invoice) = two_tickets_in(&stack, &config, &db, folder);
    ok(shopdesk(&config, &db).args(["merge", &invoice.to_string(), &parcel.to_string()]));
    let again = show(&config, &db, parcel)["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"].as_str().unwrap().contains("Any news?"))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let out = ok(shopdesk(&config, &db).args(["move", "--json", &again.to_string(), "new"]));
    let moved = serde_json::from_str::<Value>(&out).unwrap()["into"]
        .as_i64()
        .unwrap();
    let before = (
        list_json(&config, &db, &[]),
        show(&config, &db, parcel)["messages"].clone(),
        show(&config, &db, moved)["messages"].clone(),
    );

    let mut other = stack.client(SHOP);
    other.delete(folder).unwrap();
    other.logout().unwrap();
    stack.append(SHOP, folder, &annas_mail());
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    assert!(out.contains("\"uidvalidity_reset\": true"), "{out}");
    let after = (
        list_json(&config, &db, &[]),
        show(&config, &db, parcel)["messages"].clone(),
        show(&config, &db, moved)["messages"].clone(),
    );
    assert_eq!(after, before, "the corrected threads after the refetch");
    assert_eq!(before.0.len(), 2, "{:?}", before.0);
    assert_eq!(before.2.as_array().unwrap().len(), 1);

    // The customer answers with the merged number's token: it lands on the survivor.
    let subject = format!("Re: [SHOP #{invoice}] Invoice for order 1001");
    stack.append(SHOP, folder, &[customer_mail(4, ANNA, &subject, "Thanks!")]);
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(list_json(&config, &db, &[]).len(), 2);
    assert_eq!(show(&config, &db, parcel)["message_count"], 3);
}

/// The same in the real console, in tmux: `:merge` on the open ticket, the thread shows
/// the survivor and why each message is there, the customer's next mail with the old
/// token (synced by another process) appears on it, and `U` takes the merge back.
#[test]
fn merge_in_the_console_and_the_old_token_follows() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    let (parcel, invoice) = two_tickets(&stack, &config, &db);
    let cmd = format!(
        "env XDG_CONFIG_HOME={dir}/xdg XDG_STATE_HOME={dir}/state SHOPDESK_TEST_PASSWORD={pw} \
         TERM=xterm-256color {bin} --config {config} --db {db}; echo EXITED $?; sleep 30",
        dir = tmp.path().display(),
        pw = support::mailstack::PASSWORD,
        bin = support::shopdesk_bin().display(),
        config = config.display(),
        db = db.display(),
    );
    let t = Tmux::start(&format!("sdfix{}", std::process::id()), &cmd, 120, 36);
    let s = t.wait_for("Invoice for order", Duration::from_secs(15));
    assert!(s.contains("Where is my p"), "{s}");
    // the parcel is newest: the invoice is the second row
    t.keys(&["j", "Enter"]);
    let s = t.wait_for("Please send it.", Duration::from_secs(5));
    assert!(s.contains("Please send it."), "{s}");
    t.keys(&[":", &format!("merge {parcel}"), "Enter"]);
    let said = format!("merged #{invoice} into #{parcel} (1 message)");
    let s = t.wait_for(&said, Duration::from_secs(5));
    assert!(s.contains(&said), "{s}");
    let s = t.wait_for("It has not come.", Duration::from_secs(5));
    assert!(
        s.contains("Please send it.") && s.contains("It has not come."),
        "{s}"
    );
    t.keys(&["w"]);
    // (the line may wrap in the thread pane: its start is enough)
    let moved = format!("why here: moved here from #{invoice}");
    let s = t.wait_for(&moved, Duration::from_secs(5));
    assert!(s.contains(&moved) && s.contains("why here: answers"), "{s}");

    let subject = format!("Re: [SHOP #{invoice}] Invoice for order 1001");
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(4, ANNA, &subject, "Got it, thanks!")],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let token = format!("why here: our token [SHOP #{invoice}]");
    let s = t.wait_for(&token, Duration::from_secs(10));
    assert!(s.contains("Got it, thanks!") && s.contains(&token), "{s}");

    t.keys(&["U"]);
    let said = format!("undone: #{invoice} is its own ticket again");
    let s = t.wait_for(&said, Duration::from_secs(5));
    assert!(s.contains(&said), "{s}");
    assert_eq!(list_json(&config, &db, &[]).len(), 2);
    t.keys(&["q"]);
    let s = t.wait_for("EXITED", Duration::from_secs(5));
    assert!(s.contains("EXITED 0"), "{s}");
}
