//! Plain-data tickets for the console's tests and snapshots: no database, fixed clock.

use super::{App, Event, ListWindow, ReportData, ReportPeriod, update};
use chrono::{DateTime, Utc};

use crate::domain::kpi::Kpis;
use crate::domain::order::{Order, OrderItem, OrderSource, OrderStatus};
use crate::domain::report::Dimension;
use crate::domain::threading::Placed;
use crate::domain::views::{
    CustomerInfo, CustomerRef, CustomerTicket, MessageView, TicketDetail, TicketSummary,
};
use crate::domain::{AttachmentMeta, Direction, PlacedBy, Status};

/// 2026-11-24 12:00 UTC.
pub const NOW: i64 = 1_795_521_600;

fn ts(secs_ago: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(NOW - secs_ago, 0).unwrap_or_default()
}

pub fn ticket(id: i64, status: Status, who: &str, subject: &str, hours_ago: i64) -> TicketSummary {
    TicketSummary {
        id,
        account: "shop".into(),
        subject: subject.into(),
        status,
        customer: CustomerRef {
            email: Some(format!(
                "{}@example.com",
                who.split_whitespace().next().unwrap_or("x").to_lowercase()
            )),
            name: Some(who.into()),
        },
        owner: (id % 3 == 0).then(|| "bob".to_string()),
        tags: if id % 2 == 0 {
            vec!["wismo".into()]
        } else {
            Vec::new()
        },
        language: Some("en".into()),
        created_at: ts(hours_ago * 3600 + 600),
        updated_at: ts(hours_ago * 3600),
        first_response_at: None,
        due_at: status.is_active().then(|| ts(hours_ago * 3600 - 4 * 3600)),
        message_count: 2,
        priority: crate::domain::Priority::Normal,
        repeat: false,
    }
}

pub fn rows() -> Vec<TicketSummary> {
    vec![
        ticket(
            101,
            Status::New,
            "Anna Berg",
            "Where is my order #10023?",
            1,
        ),
        ticket(102, Status::Open, "Åsa Öberg", "Var är min beställning?", 3),
        ticket(103, Status::Pending, "Ayşe Yılmaz", "Siparişim nerede?", 5),
        ticket(104, Status::New, "Иван Петров", "Где мой заказ №10031?", 8),
        ticket(
            105,
            Status::Solved,
            "王小明",
            "我的订单在哪里？退货申请",
            30,
        ),
        ticket(
            106,
            Status::Open,
            "Zoë O'Brien",
            "Parcel arrived damaged \u{1b}[31m(red)\u{1b}[0m",
            50,
        ),
    ]
}

pub fn detail() -> TicketDetail {
    let text = "Hello,\n\nmy order #10023 has not arrived.\n\nOn Mon, Shop wrote:\n> It ships tomorrow.\n> Regards\n";
    let q = text.find("On Mon").unwrap_or(0);
    TicketDetail {
        ticket: rows().remove(0),
        messages: vec![
            MessageView {
                id: 1,
                ticket_id: Some(101),
                message_id: "a1@example.com".into(),
                direction: Direction::In,
                from: CustomerRef {
                    email: Some("anna@example.com".into()),
                    name: Some("Anna Berg".into()),
                },
                to: Vec::new(),
                cc: Vec::new(),
                date: ts(3600),
                subject: "Where is my order #10023?".into(),
                text: text.into(),
                quotes: vec![(q, text.len())],
                attachments: vec![AttachmentMeta {
                    filename: Some("receipt.pdf".into()),
                    content_type: "application/pdf".into(),
                    size: 48_213,
                    part: 2,
                }],
                placed: Placed::rule_only(PlacedBy::New),
                warnings: Vec::new(),
                language: Some("en".into()),
            },
            MessageView {
                id: 2,
                ticket_id: Some(101),
                message_id: "r1@shop.example".into(),
                direction: Direction::Out,
                from: CustomerRef {
                    email: Some("support@shop.example".into()),
                    name: Some("Shop".into()),
                },
                to: Vec::new(),
                cc: Vec::new(),
                date: ts(1800),
                subject: "Re: [SHOP #101] Where is my order #10023?".into(),
                text: "It left our warehouse today; tracking TR123456789.".into(),
                quotes: Vec::new(),
                attachments: Vec::new(),
                placed: Placed::rule_only(PlacedBy::References),
                warnings: Vec::new(),
                language: None,
            },
        ],
    }
}

pub fn customer() -> CustomerInfo {
    CustomerInfo {
        name: Some("Anna Berg".into()),
        addresses: vec!["anna@example.com".into(), "anna.work@example.com".into()],
        language: Some("en".into()),
        notes: None,
        tickets: vec![
            CustomerTicket {
                id: 101,
                status: Status::New,
                subject: "Where is my order #10023?".into(),
                updated_at: ts(3600),
                repeat: false,
                rating: None,
            },
            CustomerTicket {
                id: 77,
                status: Status::Solved,
                subject: "Wrong size".into(),
                updated_at: ts(40 * 86_400),
                repeat: false,
                rating: None,
            },
        ],
        orders: vec![
            order("10031", OrderStatus::Paid, 2, None),
            order(
                "10023",
                OrderStatus::Shipped,
                5,
                Some("00340434161094042557"),
            ),
        ],
        ticket_order: Some("10023".into()),
    }
}

/// One of Anna's orders, placed `days_ago`, with tracking when given.
fn order(number: &str, status: OrderStatus, days_ago: i64, tracking: Option<&str>) -> Order {
    Order {
        number: number.into(),
        platform_id: None,
        email: "anna@example.com".into(),
        customer_name: Some("Anna Berg".into()),
        status,
        financial_status: Some("paid".into()),
        created_at: ts(days_ago * 86_400),
        total_cents: Some(12_900),
        currency: Some("EUR".into()),
        items: vec![
            OrderItem {
                name: "Wool sweater".into(),
                sku: Some("WS-2".into()),
                quantity: 1,
            },
            OrderItem {
                name: "Socks".into(),
                sku: None,
                quantity: 2,
            },
        ],
        carrier: tracking.map(|_| "DHL Paket".into()),
        tracking_number: tracking.map(str::to_string),
        tracking_url: tracking.map(|t| {
            format!(
                "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={t}"
            )
        }),
        shipped_at: tracking.map(|_| ts(3 * 86_400)),
        delivered_at: None,
        source: OrderSource::Shopify,
    }
}

/// An app as the runner leaves it after loading: counts, a list, a ticket.
pub fn loaded_app(width: u16, height: u16) -> App {
    let mut app = App::new("alice", "Example Shop", NOW);
    let _ = update(&mut app, Event::Resize(width, height));
    let _ = update(
        &mut app,
        Event::CountsLoaded(vec![
            Some(5),
            Some(2),
            Some(1),
            Some(3),
            Some(1),
            Some(2),
            Some(0),
            Some(1),
            Some(6),
        ]),
    );
    let query = app.list_query();
    let _ = update(
        &mut app,
        Event::ListLoaded(ListWindow {
            query,
            total: 6,
            offset: 0,
            rows: rows(),
            selected: 0,
        }),
    );
    let _ = update(
        &mut app,
        Event::TemplatesLoaded(vec![
            "ack".into(),
            "damaged".into(),
            "return".into(),
            "wismo".into(),
        ]),
    );
    app
}

pub fn with_ticket(mut app: App) -> App {
    let _ = update(
        &mut app,
        Event::TicketLoaded(Box::new(detail()), Some(customer())),
    );
    app
}

/// Report figures for `period` up to `NOW` (UTC days), grouped by `dimension`: a busy month
/// of a small shop, every number made up but fixed.
pub fn report(period: ReportPeriod, dimension: Dimension) -> ReportData {
    use crate::domain::kpi::{Attainment, Csat, Nps, SlaAttainment, Times, buckets};
    let zone = crate::domain::sla::Zone::Iana(chrono_tz::UTC);
    let now = ts(0);
    let window = period.window(now, &zone);
    let step = period.step();
    let day = |i: u64| -> Kpis {
        let median = 1800 + (i * 1337 % 9000) as i64;
        Kpis {
            tickets_created: 8 + i * 7 % 11,
            tickets_solved: 6 + i * 5 % 9,
            messages_in: 14 + i * 3 % 7,
            messages_out: 12 + i * 2 % 5,
            first_reply: Times {
                median_s: Some(median),
                p90_s: Some(median * 3),
                ..Times::default()
            },
            backlog: 30 + i % 6,
            ..Kpis::default()
        }
    };
    let series: Vec<(String, Kpis)> = buckets(window, step, &zone)
        .into_iter()
        .enumerate()
        .map(|(i, b)| (b.key.format("%Y-%m-%d").to_string(), day(i as u64)))
        .collect();
    let attained = |met: u64, breached: u64| Attainment {
        met,
        breached,
        rate: Some(met as f64 / (met + breached) as f64),
    };
    let total = Kpis {
        tickets_created: series.iter().map(|(_, k)| k.tickets_created).sum(),
        tickets_solved: series.iter().map(|(_, k)| k.tickets_solved).sum(),
        messages_in: series.iter().map(|(_, k)| k.messages_in).sum(),
        messages_out: series.iter().map(|(_, k)| k.messages_out).sum(),
        first_reply: Times {
            median_s: Some(7_740),
            p90_s: Some(29_100),
            business_median_s: Some(5_400),
            business_p90_s: Some(21_600),
        },
        resolution: Times {
            median_s: Some(93_600),
            p90_s: Some(388_800),
            ..Times::default()
        },
        one_touch_rate: Some(0.62),
        fcr_rate: Some(0.55),
        reopen_rate: Some(0.04),
        repeat_contact_rate: Some(0.07),
        sla: SlaAttainment {
            first_reply: attained(180, 22),
            next_reply: attained(140, 31),
            resolution: attained(150, 12),
        },
        csat: Csat {
            good: 41,
            okay: 6,
            bad: 3,
            score: Some(0.82),
        },
        nps: Nps {
            promoters: 12,
            passives: 5,
            detractors: 3,
            score: Some(45.0),
        },
        backlog: 37,
    };
    let keys: &[(&str, u64)] = match dimension {
        Dimension::Agent => &[("(none)", 90), ("alice", 61), ("bob", 38), ("carol", 17)],
        _ => &[
            ("(none)", 90),
            ("b2b", 4),
            ("damaged", 17),
            ("invoice", 12),
            ("returns", 38),
            ("vip", 9),
            ("wismo", 61),
        ],
    };
    let groups = match dimension.period() {
        Some(_) => series.clone(),
        None => keys
            .iter()
            .copied()
            .map(|(key, created)| {
                (
                    key.to_string(),
                    Kpis {
                        tickets_created: created,
                        tickets_solved: created * 4 / 5,
                        first_reply: Times {
                            median_s: Some(1_200 + created as i64 * 97),
                            ..Times::default()
                        },
                        ..Kpis::default()
                    },
                )
            })
            .collect(),
    };
    ReportData {
        period,
        dimension,
        window,
        first: zone.local(window.since).date(),
        last: zone.local(window.until).date(),
        total,
        step,
        series,
        groups,
    }
}

/// A report over a period when nothing happened: no tickets, no clocks, no votes.
pub fn empty_report(period: ReportPeriod, dimension: Dimension) -> ReportData {
    let mut data = report(period, dimension);
    for (_, k) in &mut data.series {
        *k = Kpis::default();
    }
    data.total = Kpis::default();
    data.groups.clear();
    data
}

/// The app with the report screen open on `data`.
pub fn report_app(width: u16, height: u16, data: ReportData) -> App {
    let mut app = loaded_app(width, height);
    app.report.period = data.period;
    app.report.dimension = data.dimension;
    let _ = update(&mut app, Event::Action(super::Action::Report));
    let _ = update(&mut app, Event::ReportLoaded(Box::new(data)));
    app
}
