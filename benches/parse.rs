//! Decoding and threading throughput without a server: realistic messages in several
//! charsets parsed and ingested into an in-memory store. Then, with criterion, hostile
//! shapes that must stay cheap: HTML nested past the depth cap, HTML nested just under it
//! (laid out by html2text), and a body far over the text cap.

use std::time::{Duration, Instant};

use criterion::Criterion;

use shopdesk::mail::parse::parse_message;
use shopdesk::store::Store;
use shopdesk::store::ingest::AccountIdentity;
use shopdesk::worker::import::ingest_raw;

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
    throughput();
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    hostile(&mut c);
    c.final_summary();
}

fn html_mail(html: &str) -> Vec<u8> {
    format!(
        "From: x@customer.example\r\nSubject: hostile\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <h@customer.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
    )
    .into_bytes()
}

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

fn hostile(c: &mut Criterion) {
    let cases = [
        // the mail that stalled sync: 1.1 MB of nested <div>s
        (
            "nested divs, 1.1 MB",
            html_mail(&nested("<div>", "</div>", 100_000, "Where is my order?")),
        ),
        (
            "unclosed <b>, 1 MB",
            html_mail(&"<b>".repeat(330_000)),
        ),
        // just under the cap, so html2text lays these out
        (
            "divs 250 deep, text on each level",
            html_mail(&nested("<div>text ", "</div>", 250, "bottom")),
        ),
        (
            "tables 80 deep",
            html_mail(&nested("<table><tr><td>cell ", "</td></tr></table>", 80, "bottom")),
        ),
        (
            "lists 120 deep",
            html_mail(&nested("<ul><li>item ", "</li></ul>", 120, "bottom")),
        ),
        (
            "blockquotes 250 deep",
            html_mail(&nested("<blockquote>quote ", "</blockquote>", 250, "bottom")),
        ),
        (
            "newsletter, 2 MB of flat HTML",
            html_mail(&"<table><tr><td><p>Our <b>new</b> <a href=\"https://shop.example/p\">shoes</a> are here &amp; on sale.</p></td><td>€49</td></tr></table>\n".repeat(16_000)),
        ),
        (
            "50 MB of plain text",
            {
                let mut m = b"From: x@customer.example\r\nSubject: long\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <l@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
                while m.len() < 50 << 20 {
                    m.extend_from_slice(b"A very long complaint, line after line after line.\r\n");
                }
                m
            },
        ),
    ];
    let mut group = c.benchmark_group("hostile");
    for (name, raw) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| parse_message(std::hint::black_box(raw)))
        });
    }
    group.finish();
}

fn throughput() {
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
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
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
