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
use crate::store::ingest::AccountIdentity;
use crate::store::{Store, StoreError};
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
        }],
        shop: ShopConfig {
            name: Some("Nordic Boots".into()),
            return_address: Some("Nordic Boots Returns, Hamngatan 1, 111 47 Stockholm".into()),
            default_language: "en".into(),
            templates: None,
        },
        sla: SlaConfig::default(),
        outbox: OutboxConfig::default(),
        sync: Default::default(),
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
fn decorate(store: &mut Store, rng: &mut Lcg, now: i64) -> Result<(), StoreError> {
    let tx = store.write()?;
    let emails: Vec<String> = tx
        .prepare("SELECT email FROM customer_addresses")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
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
            tx.execute(
                "INSERT OR IGNORE INTO orders (number, customer_email, status, total_cents, currency, placed_at,
                    shipped_at, carrier, tracking_number, tracking_url)
                 VALUES (?1, ?2, ?3, ?4, 'EUR', ?5, ?6, ?7, ?8, ?9)",
                rusqlite::params![
                    number,
                    email,
                    status,
                    (4_900 + rng.below(20_000)) as i64,
                    placed,
                    shipped,
                    carrier,
                    tracking,
                    format!("https://track.example/{tracking}")
                ],
            )?;
        }
    }
    let ids: Vec<(i64, String, Option<i64>)> = tx
        .prepare("SELECT id, subject, first_response_at FROM tickets")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let owners = [Some("you"), Some("bob"), Some("carol"), None, None];
    for (id, subject, answered) in ids {
        let owner = owners[rng.below(owners.len() as u64) as usize];
        let status = match (answered.is_some(), rng.below(10)) {
            (true, 0..=3) => "pending",
            (true, 4..=6) => "solved",
            (true, _) => "open",
            (false, 0..=5) => "new",
            (false, _) => "open",
        };
        // Due times spread from four hours overdue to a day ahead.
        let due =
            matches!(status, "new" | "open").then(|| now - 4 * 3600 + rng.below(28 * 3600) as i64);
        tx.execute(
            "UPDATE tickets SET owner = ?2, status = ?3, due_at = ?4 WHERE id = ?1",
            rusqlite::params![id, owner, status, due],
        )?;
        let lower = subject.to_lowercase();
        for (needle, tag) in content::TAG_RULES {
            if lower.contains(needle) {
                tx.execute(
                    "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2)",
                    rusqlite::params![id, tag],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_shop_in_five_languages() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("demo.db");
        let config = config("you");
        let now = 1_795_510_800;
        generate(&db, &config, 120, now).expect("generate");
        let store = Store::open(&db).expect("open");
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
            .expect("n");
        assert!((100..=120).contains(&n), "{n} tickets");
        let langs: i64 = store
            .conn()
            .query_row(
                "SELECT count(DISTINCT language) FROM tickets WHERE language IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .expect("langs");
        assert!(langs >= 4, "{langs} languages");
        let orders: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
            .expect("orders");
        assert!(orders > 20);
        let breaching: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM tickets WHERE due_at < ?1 AND status IN ('new','open')",
                [now],
                |r| r.get(0),
            )
            .expect("breaching");
        assert!(breaching > 0);
    }
}
