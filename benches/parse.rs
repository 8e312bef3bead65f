//! Decoding and threading throughput without a server: realistic messages in several
//! charsets parsed and ingested into an in-memory store.

use std::time::Instant;

use shopdesk::mail::parse::parse_message;
use shopdesk::store::Store;
use shopdesk::store::ingest::{AccountIdentity, ingest_raw};

fn sample(i: usize) -> Vec<u8> {
    let bodies = [
        (
            "utf-8",
            "Hej! Var är min beställning? Jag har väntat i två veckor.",
        ),
        (
            "utf-8",
            "Merhaba, siparişim hâlâ gelmedi. İade etmek istiyorum.",
        ),
        ("utf-8", "Здравствуйте! Где мой заказ? Жду уже неделю."),
        ("utf-8", "你好，我想退货，尺码太小了。谢谢！"),
        (
            "us-ascii",
            "Hello, the shoes are too small. Can I exchange them for a bigger size?",
        ),
    ];
    let (cs, body) = bodies[i % bodies.len()];
    format!(
        "From: Customer {c} <c{c}@example.com>\r\nTo: shop@example.test\r\nSubject: Order #{o}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <b{i}@example.com>\r\nContent-Type: text/plain; charset={cs}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n\r\nOn Mon, Shop wrote:\r\n> Thanks for your order #{o}.\r\n",
        c = i % 997,
        o = 10_000 + i
    )
    .into_bytes()
}

fn main() {
    let n = 20_000;
    let raws: Vec<Vec<u8>> = (0..n).map(sample).collect();
    let t = Instant::now();
    for r in &raws {
        std::hint::black_box(parse_message(r));
    }
    let parse = t.elapsed();
    let mut store = match Store::open_in_memory() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let account = AccountIdentity {
        name: "shop".into(),
        tag: "SHOP".into(),
        addresses: vec!["shop@example.test".into()],
        sla: None,
    };
    let t = Instant::now();
    for chunk in raws.chunks(500) {
        if let Err(e) = ingest_raw(&mut store, &account, "INBOX", chunk) {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    let ingest = t.elapsed();
    println!(
        "parse: {n} messages in {:.0} ms ({:.1} µs/message); parse+thread+index+store: {:.0} ms ({:.1} µs/message)",
        parse.as_secs_f64() * 1000.0,
        parse.as_secs_f64() * 1e6 / n as f64,
        ingest.as_secs_f64() * 1000.0,
        ingest.as_secs_f64() * 1e6 / n as f64
    );
}
