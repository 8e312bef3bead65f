//! `shopdesk demo`: a generated sample shop, run through the real parse → thread → store
//! path into a temporary database: customers writing in English, Swedish, Turkish, Russian
//! and Chinese, threads with our replies and quoted text, orders, owners, tags, and due
//! times, some of them breaching. Deterministic: the same seed gives the same shop.

mod content;

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::config::{
    AccountConfig, AutoAckConfig, Config, OutboxConfig, PasswordSource, Security, SentFolder,
    ServerConfig, ShopConfig, SlaConfig,
};
use crate::domain::sla::{Policy, PolicyMatch, Targets};
use crate::domain::ticket_change::StatusCause;
use crate::domain::{EventSource, Origin, Priority, Status, TicketChange};
use crate::store::ingest::AccountIdentity;
use crate::store::orders::{self, NewOrder};
use crate::store::replay::ticket_states;
use crate::store::{Store, StoreError, customers, events};
use crate::worker::import::ingest_raw;
use content::{KINDS, LANGS};

pub const SHOP_EMAIL: &str = "support@nordic-boots.example";

/// A small linear congruential generator: enough variety for sample data, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// The demo shop's configuration: one account, no server (replies are filed locally).
pub fn config(agent: &str) -> Config {
    let server = ServerConfig {
        host: "imap.nordic-boots.example".into(),
        port: 993,
        security: Security::Tls,
        user: SHOP_EMAIL.into(),
        password: PasswordSource::None,
        oauth2: None,
        ca_file: None,
    };
    Config {
        path: None,
        agent: agent.to_string(),
        accounts: vec![AccountConfig {
            name: "shop".into(),
            email: SHOP_EMAIL.into(),
            aliases: Vec::new(),
            ticket_tag: "SHOP".into(),
            folders: vec!["INBOX".into()],
            sent_folder: SentFolder::Named("Sent".into()),
            imap: server,
            smtp: None,
            auto_ack: AutoAckConfig {
                enabled: false,
                template: "ack".into(),
            },
            signature: Some("Nordic Boots customer service".into()),
            save_sent: false,
            html_replies: false,
            max_per_minute: None,
            sla: SlaConfig::default(),
            sync: Default::default(),
            orders: Default::default(),
        }],
        shop: ShopConfig {
            name: Some("Nordic Boots".into()),
            return_address: Some("Nordic Boots Returns, Hamngatan 1, 111 47 Stockholm".into()),
            default_language: "en".into(),
            ..ShopConfig::default()
        },
        sla: demo_sla(),
        outbox: OutboxConfig::default(),
        sync: Default::default(),
        views: Vec::new(),
        console: Default::default(),
        survey: Default::default(),
    }
}

/// The demo shop's service levels, so its queues, counter and report show them: urgent
/// tickets answered within the hour, everything else within the shop's default first
/// response, a working day for each next reply, and three days to solve.
fn demo_sla() -> SlaConfig {
    let base = SlaConfig::default();
    let policy = |name: &str, priority, first_reply| Policy {
        name: name.into(),
        when: PolicyMatch {
            priority,
            ..PolicyMatch::default()
        },
        targets: Targets {
            first_reply: Some(first_reply),
            next_reply: Some(chrono::Duration::hours(8)),
            resolution: Some(chrono::Duration::days(3)),
        },
        calendar: None,
        approaching: None,
    };
    SlaConfig {
        policies: vec![
            policy("urgent", Some(Priority::Urgent), chrono::Duration::hours(1)),
            policy("standard", None, base.first_response),
        ],
        ..base
    }
}

fn rfc2822(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc2822()
}

/// Fills `db` with about `tickets` tickets. Returns how many were made.
pub fn generate(db: &Path, config: &Config, tickets: usize, now: i64) -> Result<usize, StoreError> {
    let mut store = Store::open(db)?;
    let account = AccountIdentity::from(&config.accounts[0]);
    let mut rng = Lcg(0x5eed_0001);
    let customers = (tickets / 2).max(5);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(1000);
    for i in 0..tickets {
        let lang = &LANGS[i % LANGS.len()];
        let kind = rng.below(KINDS as u64) as usize;
        let c = rng.below(customers as u64) as usize;
        let name = lang.names[c % lang.names.len()];
        let email = format!("{}{}@{}", lang.code, c, lang.domain);
        let order = 10_000 + c * 3 + (i % 3);
        let subject = lang.subjects[kind].replace("{o}", &order.to_string());
        let body = lang.bodies[kind]
            .replace("{o}", &order.to_string())
            .replace("{name}", name);
        let start = now - 60 - rng.below(14 * 86_400) as i64;
        let id = format!("demo{i}.{c}@{}", lang.domain);
        batch.push(
            format!(
                "From: {name} <{email}>\r\nTo: Nordic Boots <{SHOP_EMAIL}>\r\nSubject: {subject}\r\nDate: {}\r\nMessage-ID: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
                rfc2822(start)
            )
            .into_bytes(),
        );
        let replies = rng.below(4);
        let mut parent = id.clone();
        let mut t = start;
        for r in 0..replies {
            t += 600 + rng.below(20 * 3600) as i64;
            if t >= now {
                break;
            }
            let ours = r % 2 == 0;
            let rid = format!(
                "demo{i}.r{r}@{}",
                if ours {
                    "nordic-boots.example"
                } else {
                    lang.domain
                }
            );
            let quoted: String = body.lines().map(|l| format!("> {l}\r\n")).collect();
            let (from, text) = if ours {
                (
                    format!("Nordic Boots <{SHOP_EMAIL}>"),
                    format!(
                        "{}\r\n\r\nOn {}, {name} wrote:\r\n{quoted}",
                        lang.reply,
                        rfc2822(start)
                    ),
                )
            } else {
                (
                    format!("{name} <{email}>"),
                    format!("{}\r\n\r\n{quoted}", lang.follow_up),
                )
            };
            let to = if ours {
                email.clone()
            } else {
                SHOP_EMAIL.to_string()
            };
            batch.push(
                format!(
                    "From: {from}\r\nTo: {to}\r\nSubject: Re: {subject}\r\nDate: {}\r\nMessage-ID: <{rid}>\r\nIn-Reply-To: <{parent}>\r\nReferences: <{id}> <{parent}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}",
                    rfc2822(t)
                )
                .into_bytes(),
            );
            parent = rid;
        }
        if batch.len() >= 1000 {
            ingest_raw(&mut store, &account, "INBOX", &batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        ingest_raw(&mut store, &account, "INBOX", &batch)?;
    }
    decorate(&mut store, &mut rng, now)?;
    Ok(tickets)
}

/// Orders, owners, tags, statuses and due times, as a shop in mid-week would have them.
/// Ticket changes are dated at each ticket's last activity, so they do not reorder the
/// queue.
fn decorate(store: &mut Store, rng: &mut Lcg, now: i64) -> Result<(), StoreError> {
    let tx = store.write()?;
    let emails = customers::addresses(&tx)?;
    let carriers = [
        "PostNord",
        "DHL",
        "UPS",
        "Yurtiçi Kargo",
        "СДЭК",
        "SF Express",
    ];
    let statuses = ["shipped", "delivered", "paid", "shipped", "returned"];
    for (n, email) in emails.iter().enumerate() {
        let c: usize = email
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(n);
        for k in 0..(1 + rng.below(2) as usize) {
            let number = (10_000 + c * 3 + k).to_string();
            let status = statuses[rng.below(statuses.len() as u64) as usize];
            let placed = now - 86_400 * (3 + rng.below(30) as i64);
            let shipped = (status != "paid").then_some(placed + 86_400);
            let carrier = carriers[rng.below(carriers.len() as u64) as usize];
            let tracking = format!("TR{:09}", rng.below(1_000_000_000));
            orders::add(
                &tx,
                &NewOrder {
                    number: &number,
                    customer_email: email,
                    customer_name: None,
                    status,
                    total_cents: Some((4_900 + rng.below(20_000)) as i64),
                    currency: Some("EUR"),
                    placed_at: placed,
                    shipped_at: shipped,
                    carrier: Some(carrier),
                    tracking_number: Some(&tracking),
                    tracking_url: Some(&format!("https://track.example/{tracking}")),
                },
            )?;
        }
    }
    let owners = [Some("you"), Some("bob"), Some("carol"), None, None];
    for t in ticket_states(&tx)? {
        let owner = owners[rng.below(owners.len() as u64) as usize];
        let status = match (t.first_response_at.is_some(), rng.below(10)) {
            (true, 0..=3) => Status::Pending,
            (true, 4..=6) => Status::Solved,
            (true, _) => Status::Open,
            (false, 0..=5) => Status::New,
            (false, _) => Status::Open,
        };
        // Due times spread from four hours overdue to a day ahead.
        let due = status
            .is_active()
            .then(|| now - 4 * 3600 + rng.below(28 * 3600) as i64);
        let mut changes = Vec::new();
        if owner != t.owner.as_deref() {
            changes.push(TicketChange::Assigned {
                owner: owner.map(str::to_string),
            });
        }
        if status != t.status {
            changes.push(TicketChange::StatusSet {
                status,
                cause: StatusCause::Agent,
            });
        }
        if due != t.due_at {
            changes.push(TicketChange::DueSet {
                due: due.and_then(|d| DateTime::from_timestamp(d, 0)),
            });
        }
        let lower = t.subject.to_lowercase();
        for (needle, tag) in content::TAG_RULES {
            if lower.contains(needle) {
                changes.push(TicketChange::Tagged {
                    tag: tag.to_string(),
                });
            }
        }
        let at = DateTime::from_timestamp(t.updated_at, 0).unwrap_or_default();
        events::apply(
            &tx,
            t.id,
            &changes,
            &Origin::new("demo", EventSource::Demo, at),
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{replay, ticket_ops};

    const NOW: i64 = 1_795_510_800;

    /// How many messages each word finds.
    fn search(store: &Store, words: &[&str]) -> Vec<usize> {
        use crate::domain::query::parse_query;
        use crate::store::query_sql::{QueryContext, message_search};
        let ctx = QueryContext {
            agent: "you".into(),
            now: NOW,
        };
        words
            .iter()
            .map(|w| {
                let q = parse_query(w).expect("query");
                crate::store::search::run_ids(store.conn(), &message_search(&q, &ctx, 10_000))
                    .expect("search")
                    .len()
            })
            .collect()
    }

    #[test]
    fn generates_a_shop_in_five_languages() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("demo.db");
        let config = config("you");
        generate(&db, &config, 120, NOW).expect("generate");
        let store = Store::open(&db).expect("open");
        let tickets = ticket_states(store.conn()).expect("tickets");
        assert!(
            (100..=120).contains(&tickets.len()),
            "{} tickets",
            tickets.len()
        );
        let langs: std::collections::HashSet<_> = tickets
            .iter()
            .filter_map(|t| t.language.as_deref())
            .collect();
        assert!(langs.len() >= 4, "{langs:?} languages");
        assert!(orders::count(store.conn()).expect("orders") > 20);
        let breaching = tickets
            .iter()
            .filter(|t| t.status.is_active() && t.due_at.is_some_and(|d| d < NOW))
            .count();
        assert!(breaching > 0);
    }

    /// Every ticket of the demo shop, after agents worked on it too, comes back the same
    /// from its events alone (with its mail, customers and orders copied).
    #[test]
    fn replaying_the_events_rebuilds_the_same_tickets() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("demo.db");
        generate(&db, &config("you"), 150, NOW).expect("generate");
        let store = Store::open(&db).expect("open");
        let c = store.conn();
        let cli = EventSource::Cli;
        ticket_ops::set_status(c, 3, Status::Solved, "bob", cli).expect("status");
        ticket_ops::assign(c, 4, Some("carol"), "bob", cli).expect("assign");
        ticket_ops::assign(c, 5, None, "bob", cli).expect("unassign");
        ticket_ops::tag(c, 6, &["VIP".into(), "refund".into()], &[], "bob", cli).expect("tag");
        ticket_ops::tag(c, 6, &[], &["vip".into(), "wismo".into()], "bob", cli).expect("untag");
        ticket_ops::add_note(c, 7, "called the carrier", "bob", cli).expect("note");
        ticket_ops::add_note(c, 7, "called again", "carol", EventSource::Console).expect("note");
        let secret = crate::store::ratings::secret(c).expect("secret");
        crate::store::ratings::mark_asked(c, 3, NOW).expect("asked");
        let original = ticket_states(c).expect("original");
        let log = replay::recorded(c).expect("log");
        assert!(
            original
                .iter()
                .any(|t| !t.tags.is_empty() && t.owner.is_some())
        );
        assert!(original.iter().any(|t| t.first_response_at.is_some()));
        drop(store);

        let words = ["order", "beställning", "sipariş", "заказ", "carrier"];
        let found = search(&Store::open(&db).expect("reopen"), &words);
        assert!(found.iter().all(|hits| hits > &0), "{found:?}");
        let mut rebuilt = Store::open_in_memory().expect("empty");
        let own = crate::store::ratings::secret(rebuilt.conn()).expect("own secret");
        let replayed = replay::rebuild(&mut rebuilt, &db).expect("replay");
        // The vote links already sent still verify, and nobody is asked twice.
        let carried = crate::store::ratings::secret(rebuilt.conn()).expect("secret");
        assert_eq!(carried, secret);
        assert_ne!(carried, own);
        assert!(crate::store::ratings::was_asked(rebuilt.conn(), 3).expect("asked"));
        assert_eq!(replayed, log.len());
        let again = ticket_states(rebuilt.conn()).expect("rebuilt");
        assert_eq!(again.len(), original.len());
        for (a, b) in original.iter().zip(&again) {
            assert_eq!(a, b);
        }
        // Searches find as much (the index is rebuilt, the notes filed again).
        assert_eq!(search(&rebuilt, &words), found);
        // The log itself comes across in the same order, and a second replay is refused.
        let relog = replay::recorded(rebuilt.conn()).expect("relog");
        let strip = |l: &[replay::Recorded]| {
            l.iter()
                .map(|r| (r.ticket, r.change.clone(), r.origin.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&relog), strip(&log));
        assert!(replay::rebuild(&mut rebuilt, &db).is_err());
    }
}
