//! The public JSON of tickets and messages (design.md, "Ticket JSON"), shaped here from the
//! domain's read models. Field names, their order and their formats are the contract that
//! scripts rely on: statuses, directions and rules as lower-case words, times as RFC 3339
//! in UTC to the second (`2026-11-24T12:00:00Z`).

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

use super::order_json::OrderJson;
use crate::domain::order::Order;
use crate::domain::sla::TargetClock;
use crate::domain::threading::Placed;
use crate::domain::views::{CustomerRef, MessageView, TicketDetail, TicketSummary};
use crate::domain::vote::Score;
use crate::domain::{Address, AttachmentMeta, Direction, PlacedBy, Status, TicketId};
use crate::store::mail_orders::Mentions;
use crate::store::ratings::Rating;

/// RFC 3339 in UTC, to the second, as every JSON time is written.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A time that serialises as [`rfc3339`].
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339(pub DateTime<Utc>);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(self.0))
    }
}

#[derive(Serialize)]
pub struct CustomerJson<'a> {
    email: Option<&'a str>,
    name: Option<&'a str>,
}

impl<'a> From<&'a CustomerRef> for CustomerJson<'a> {
    fn from(c: &'a CustomerRef) -> Self {
        CustomerJson {
            email: c.email.as_deref(),
            name: c.name.as_deref(),
        }
    }
}

#[derive(Serialize)]
pub struct TicketJson<'a> {
    id: TicketId,
    account: &'a str,
    subject: &'a str,
    status: Status,
    customer: CustomerJson<'a>,
    owner: Option<&'a str>,
    tags: &'a [String],
    language: Option<&'a str>,
    created_at: Rfc3339,
    updated_at: Rfc3339,
    first_response_at: Option<Rfc3339>,
    due_at: Option<Rfc3339>,
    message_count: i64,
    priority: crate::domain::Priority,
}

impl<'a> From<&'a TicketSummary> for TicketJson<'a> {
    fn from(t: &'a TicketSummary) -> Self {
        TicketJson {
            id: t.id,
            account: &t.account,
            subject: &t.subject,
            status: t.status,
            customer: (&t.customer).into(),
            owner: t.owner.as_deref(),
            tags: &t.tags,
            language: t.language.as_deref(),
            created_at: Rfc3339(t.created_at),
            updated_at: Rfc3339(t.updated_at),
            first_response_at: t.first_response_at.map(Rfc3339),
            due_at: t.due_at.map(Rfc3339),
            message_count: t.message_count,
            priority: t.priority,
        }
    }
}

#[derive(Serialize)]
pub struct MessageJson<'a> {
    id: i64,
    ticket_id: Option<TicketId>,
    message_id: &'a str,
    direction: Direction,
    from: CustomerJson<'a>,
    to: &'a [Address],
    cc: &'a [Address],
    date: Rfc3339,
    subject: &'a str,
    text: &'a str,
    quotes: &'a [(usize, usize)],
    attachments: &'a [AttachmentMeta],
    placed_by: PlacedBy,
    warnings: &'a [String],
    language: Option<&'a str>,
    /// Why the message is on this ticket: `{"by", "matched", "warnings"}`.
    placed: &'a Placed,
}

impl<'a> From<&'a MessageView> for MessageJson<'a> {
    fn from(m: &'a MessageView) -> Self {
        MessageJson {
            id: m.id,
            ticket_id: m.ticket_id,
            message_id: &m.message_id,
            direction: m.direction,
            from: (&m.from).into(),
            to: &m.to,
            cc: &m.cc,
            date: Rfc3339(m.date),
            subject: &m.subject,
            text: &m.text,
            quotes: &m.quotes,
            attachments: &m.attachments,
            placed_by: m.placed.by,
            warnings: &m.warnings,
            language: m.language.as_deref(),
            placed: &m.placed,
        }
    }
}

/// A ticket's fields, its `order` (ORDER JSON or null), its service-level clocks and its
/// `messages` after them, in one object.
#[derive(Serialize)]
pub struct DetailJson<'a> {
    #[serde(flatten)]
    ticket: TicketJson<'a>,
    order: Option<OrderJson<'a>>,
    sla: Vec<SlaJson>,
    rating: Option<RatingJson<'a>>,
    messages: Vec<MessageDetailJson<'a>>,
}

/// One clock of the ticket under its policy, as `shopdesk sla` judges it.
#[derive(Serialize)]
pub struct SlaJson {
    /// first_reply | next_reply | resolution
    target: &'static str,
    /// null while paused (the due time moves with the pause) or when the calendar never opens
    due_at: Option<Rfc3339>,
    /// running | paused | met | breached
    state: &'static str,
}

impl From<&TargetClock> for SlaJson {
    fn from(c: &TargetClock) -> Self {
        SlaJson {
            target: c.target.as_str(),
            due_at: c.due_at.map(Rfc3339),
            state: c.state.as_str(),
        }
    }
}

/// The customer's vote: `score` is "good", "okay" or "bad" for CSAT, 0 to 10 for NPS.
#[derive(Serialize)]
struct RatingJson<'a> {
    kind: &'static str,
    score: serde_json::Value,
    comment: Option<&'a str>,
    at: Rfc3339,
}

impl<'a> From<&'a Rating> for RatingJson<'a> {
    fn from(r: &'a Rating) -> Self {
        RatingJson {
            kind: r.score.kind().as_str(),
            score: match r.score {
                Score::Nps(n) => n.into(),
                csat @ Score::Csat(_) => csat.to_string().into(),
            },
            comment: r.comment.as_deref(),
            at: Rfc3339(r.at),
        }
    }
}

/// A message of `show --json`: the message, the order numbers it names and the tracking
/// numbers found in it.
#[derive(Serialize)]
struct MessageDetailJson<'a> {
    #[serde(flatten)]
    message: MessageJson<'a>,
    orders: &'a [String],
    tracking: Vec<TrackingJson<'a>>,
}

#[derive(Serialize)]
struct TrackingJson<'a> {
    number: &'a str,
    carrier: Option<&'a str>,
    url: Option<&'a str>,
}

impl<'a> DetailJson<'a> {
    /// `order` is the ticket's order; `mentions` what each message names, by message id.
    pub fn new(
        d: &'a TicketDetail,
        order: Option<&'a Order>,
        mentions: &'a HashMap<i64, Mentions>,
    ) -> Self {
        DetailJson {
            ticket: (&d.ticket).into(),
            order: order.map(OrderJson::from),
            sla: Vec::new(),
            rating: None,
            messages: d
                .messages
                .iter()
                .map(|m| {
                    let found = mentions.get(&m.id);
                    MessageDetailJson {
                        message: m.into(),
                        orders: found.map_or(&[], |f| f.orders.as_slice()),
                        tracking: found
                            .map(|f| f.tracking.as_slice())
                            .unwrap_or_default()
                            .iter()
                            .map(|t| TrackingJson {
                                number: &t.number,
                                carrier: t.carrier.as_deref(),
                                url: t.url.as_deref(),
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }

    /// The ticket's clocks, in the order they started (resolution last).
    pub fn with_sla(mut self, clocks: &[TargetClock]) -> Self {
        self.sla = clocks.iter().map(SlaJson::from).collect();
        self
    }

    /// With the ticket's rating (`rating` is `null` without one).
    pub fn with_rating(mut self, rating: Option<&'a Rating>) -> Self {
        self.rating = rating.map(RatingJson::from);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::json::write_json;
    use crate::domain::threading::Matched;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }

    fn detail() -> TicketDetail {
        TicketDetail {
            ticket: TicketSummary {
                id: 7,
                account: "shop".into(),
                subject: "Where is my order?".into(),
                status: Status::Pending,
                customer: CustomerRef {
                    email: Some("anna@example.com".into()),
                    name: None,
                },
                owner: Some("bob".into()),
                tags: vec!["wismo".into()],
                language: Some("en".into()),
                created_at: at(1_795_521_600),
                updated_at: at(1_795_525_200),
                first_response_at: Some(at(1_795_525_200)),
                due_at: None,
                message_count: 1,
                priority: crate::domain::Priority::High,
                repeat: false,
            },
            messages: vec![MessageView {
                id: 3,
                ticket_id: Some(7),
                message_id: "a1@example.com".into(),
                direction: Direction::In,
                from: CustomerRef {
                    email: Some("anna@example.com".into()),
                    name: Some("Anna".into()),
                },
                to: vec![Address::new("shop@example.test", None)],
                cc: Vec::new(),
                date: at(1_795_521_601),
                subject: "Where is my order?".into(),
                text: "Hello".into(),
                quotes: vec![(0, 2)],
                attachments: Vec::new(),
                placed: Placed {
                    by: PlacedBy::References,
                    matched: Some(Matched::Answers {
                        message_id: "a0@example.com".into(),
                        message: Some(2),
                    }),
                    warnings: Vec::new(),
                },
                warnings: Vec::new(),
                language: None,
            }],
        }
    }

    /// The contract, byte for byte: field order, lower-case words, RFC 3339 times.
    #[test]
    fn detail_json_keeps_the_contract() {
        let mut out = Vec::new();
        write_json(&mut out, &DetailJson::new(&detail(), None, &HashMap::new())).expect("json");
        let want = r#"{
  "id": 7,
  "account": "shop",
  "subject": "Where is my order?",
  "status": "pending",
  "customer": {
    "email": "anna@example.com",
    "name": null
  },
  "owner": "bob",
  "tags": [
    "wismo"
  ],
  "language": "en",
  "created_at": "2026-11-24T12:00:00Z",
  "updated_at": "2026-11-24T13:00:00Z",
  "first_response_at": "2026-11-24T13:00:00Z",
  "due_at": null,
  "message_count": 1,
  "priority": "high",
  "order": null,
  "sla": [],
  "rating": null,
  "messages": [
    {
      "id": 3,
      "ticket_id": 7,
      "message_id": "a1@example.com",
      "direction": "in",
      "from": {
        "email": "anna@example.com",
        "name": "Anna"
      },
      "to": [
        {
          "email": "shop@example.test",
          "name": null
        }
      ],
      "cc": [],
      "date": "2026-11-24T12:00:01Z",
      "subject": "Where is my order?",
      "text": "Hello",
      "quotes": [
        [
          0,
          2
        ]
      ],
      "attachments": [],
      "placed_by": "references",
      "warnings": [],
      "language": null,
      "placed": {
        "by": "references",
        "matched": {
          "what": "answers",
          "message_id": "a0@example.com",
          "message": 2
        },
        "warnings": []
      },
      "orders": [],
      "tracking": []
    }
  ]
}
"#;
        assert_eq!(String::from_utf8(out).expect("utf-8"), want);
    }

    /// `show --json` adds the ticket's order and, per message, the numbers it names.
    #[test]
    fn detail_json_carries_the_order_and_each_messages_numbers() {
        use crate::domain::order::{OrderSource, OrderStatus};
        use crate::domain::tracking::Tracking;
        let order = Order {
            number: "1001".into(),
            platform_id: None,
            email: "anna@example.com".into(),
            customer_name: None,
            status: OrderStatus::Shipped,
            financial_status: None,
            created_at: at(1_795_000_000),
            total_cents: Some(4990),
            currency: Some("EUR".into()),
            items: Vec::new(),
            carrier: Some("UPS".into()),
            tracking_number: Some("1Z5R89390357567127".into()),
            tracking_url: None,
            shipped_at: None,
            delivered_at: None,
            source: OrderSource::Mail,
        };
        let mut mentions = HashMap::new();
        mentions.insert(
            3,
            Mentions {
                orders: vec!["1001".into(), "1002".into()],
                tracking: vec![Tracking {
                    number: "1Z5R89390357567127".into(),
                    carrier_id: Some("ups".into()),
                    carrier: Some("UPS".into()),
                    url: Some("https://www.ups.com/track?tracknum=1Z5R89390357567127".into()),
                }],
            },
        );
        let d = detail();
        let json =
            serde_json::to_value(DetailJson::new(&d, Some(&order), &mentions)).expect("json");
        assert_eq!(json["order"]["number"], "1001");
        assert_eq!(json["order"]["total"], "49.90");
        assert_eq!(json["order"]["source"], "mail");
        assert_eq!(
            json["messages"][0]["orders"],
            serde_json::json!(["1001", "1002"])
        );
        assert_eq!(
            json["messages"][0]["tracking"],
            serde_json::json!([{
                "number": "1Z5R89390357567127",
                "carrier": "UPS",
                "url": "https://www.ups.com/track?tracknum=1Z5R89390357567127"
            }])
        );
        // Every field of before is still there.
        assert_eq!(json["messages"][0]["placed_by"], "references");
        assert_eq!(json["message_count"], 1);
    }

    /// `rating`: the kind, the score as a word (CSAT) or a number (NPS), the comment, when.
    #[test]
    fn rating_json_per_kind() {
        use crate::domain::vote::Csat;
        let d = detail();
        let rating = |score, comment: Option<&str>| Rating {
            score,
            comment: comment.map(str::to_string),
            at: at(1_795_525_200),
            message_id: "v@c".into(),
        };
        #[rustfmt::skip]
        let cases = [
            (rating(Score::Csat(Csat::Okay), Some("Slow post")),
             serde_json::json!({"kind": "csat", "score": "okay", "comment": "Slow post",
                                "at": "2026-11-24T13:00:00Z"})),
            (rating(Score::Nps(9), None),
             serde_json::json!({"kind": "nps", "score": 9, "comment": null,
                                "at": "2026-11-24T13:00:00Z"})),
        ];
        for (r, want) in cases {
            let json = serde_json::to_value(
                DetailJson::new(&d, None, &HashMap::new()).with_rating(Some(&r)),
            )
            .expect("json");
            assert_eq!(json["rating"], want);
        }
    }

    #[test]
    fn every_word_is_the_stored_one() {
        for st in Status::ALL {
            let json = serde_json::to_string(&st).expect("status");
            assert_eq!(json, format!("\"{}\"", st.as_str()));
        }
        for d in [Direction::In, Direction::Out, Direction::Note] {
            let json = serde_json::to_string(&d).expect("direction");
            assert_eq!(json, format!("\"{}\"", d.as_str()));
        }
        for p in [
            PlacedBy::Token,
            PlacedBy::References,
            PlacedBy::Subject,
            PlacedBy::New,
            PlacedBy::Manual,
        ] {
            let json = serde_json::to_string(&p).expect("placed_by");
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
    }
}
