//! Plain-data tickets for the console's tests and snapshots: no database, fixed clock.

use super::{App, Event, ListWindow, update};
use chrono::{DateTime, Utc};

use crate::domain::order::{Order, OrderItem, OrderSource, OrderStatus};
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
                rating: None,
            },
            CustomerTicket {
                id: 77,
                status: Status::Solved,
                subject: "Wrong size".into(),
                updated_at: ts(40 * 86_400),
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
