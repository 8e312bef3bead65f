//! The thread pane (messages, folded quotes, attachments) and the customer pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

use super::styles::StyleName;
use super::text::short_age;
use super::theme::Theme;
use super::view::block;
use crate::app::{App, Pane};
use crate::domain::order::Order;
use crate::domain::sanitize::{sanitize_line, sanitize_text};
use crate::domain::{Direction, Priority};

/// The thread as lines: header, then each message with quoted text folded.
pub fn thread_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(t) = &app.ticket else {
        lines.push(Line::styled(
            "Enter opens the selected ticket.",
            theme.style(StyleName::HintDesc),
        ));
        return lines;
    };
    let s = &t.ticket;
    lines.push(Line::styled(
        format!("#{} {}", s.id, sanitize_line(&s.subject)),
        theme.style(StyleName::Title),
    ));
    let mut meta = vec![
        Span::styled(
            s.status.as_str(),
            theme.style(StyleName::status_named(s.status.as_str())),
        ),
        Span::raw(format!(
            " · {}",
            sanitize_line(s.customer.email.as_deref().unwrap_or("?"))
        )),
        Span::raw(format!(" · owner {}", s.owner.as_deref().unwrap_or("none"))),
    ];
    // said only when an agent set it: every ticket is normal until then
    if s.priority != Priority::Normal {
        let style = if s.priority > Priority::Normal {
            StyleName::Warning
        } else {
            StyleName::HintDesc
        };
        meta.push(Span::styled(
            format!(" · priority {}", s.priority),
            theme.style(style),
        ));
    }
    if let Some(l) = &s.language {
        meta.push(Span::raw(format!(" · {l}")));
    }
    if !s.tags.is_empty() {
        meta.push(Span::styled(
            format!(" · {}", s.tags.join(" ")),
            theme.style(StyleName::HintKey),
        ));
    }
    // the customer's vote on this ticket, also where the customer pane is not on screen
    let rating = app
        .customer
        .as_ref()
        .and_then(|c| c.tickets.iter().find(|x| x.id == s.id))
        .and_then(|x| x.rating);
    if let Some(r) = rating {
        meta.push(Span::styled(
            format!(" · {} {r}", r.kind().as_str()),
            theme.style(if r.is_bad() {
                StyleName::Warning
            } else {
                StyleName::HintKey
            }),
        ));
    }
    lines.push(Line::from(meta));
    for (i, m) in t.messages.iter().enumerate() {
        lines.push(Line::raw(""));
        let who = match (&m.from.name, &m.from.email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.clone(),
            (Some(n), None) => n.clone(),
            _ => "?".into(),
        };
        let (style, label) = match m.direction {
            Direction::Out => (theme.style(StyleName::MessageOut), "reply"),
            Direction::Note => (theme.style(StyleName::MessageNote), "note"),
            Direction::In => (theme.style(StyleName::MessageHeader), "from"),
        };
        let date = m.date.format("%Y-%m-%d %H:%M");
        // the message picked for :split and :move; numbers to type them, and for the
        // "answers … (message N)" of the why line
        let picked = app.message_cursor == Some(i);
        let lead = if picked { "▶─" } else { "──" };
        let number = if picked || app.show_placement {
            format!(" · message {}", m.id)
        } else {
            String::new()
        };
        lines.push(Line::styled(
            format!("{lead} {label} {} · {date}{number}", sanitize_line(&who)),
            style,
        ));
        if app.show_placement && m.direction != Direction::Note {
            lines.push(Line::styled(
                format!("   why here: {}", sanitize_line(&m.placed.to_string())),
                theme.style(StyleName::HintDesc),
            ));
        }
        for w in &m.warnings {
            lines.push(Line::styled(
                format!("   ! {}", sanitize_line(w)),
                theme.style(StyleName::Warning),
            ));
        }
        let text = sanitize_text(&m.text);
        let mut pos = 0;
        let push_text = |lines: &mut Vec<Line<'static>>, s: &str, quote: bool| {
            for l in s.trim_end_matches('\n').split('\n') {
                if quote {
                    lines.push(Line::styled(
                        format!("  {l}"),
                        theme.style(StyleName::Quote),
                    ));
                } else {
                    lines.push(Line::raw(l.to_string()));
                }
            }
        };
        for (start, end) in &m.quotes {
            let (start, end) = (*start, *end);
            if start < pos
                || end > m.text.len()
                || !m.text.is_char_boundary(start)
                || !m.text.is_char_boundary(end)
            {
                continue;
            }
            // Quote ranges index the stored text, which sanitize leaves unchanged for
            // stored (already clean) text.
            if let Some(before) = text.get(pos..start)
                && !before.trim().is_empty()
            {
                push_text(&mut lines, before, false);
            }
            let quoted = text.get(start..end).unwrap_or("");
            if app.show_quotes {
                push_text(&mut lines, quoted, true);
            } else {
                let n = quoted.lines().count();
                lines.push(Line::styled(
                    format!(
                        "  ┆ {n} quoted line{} (z shows)",
                        if n == 1 { "" } else { "s" }
                    ),
                    theme.style(StyleName::Quote),
                ));
            }
            pos = end;
        }
        if let Some(rest) = text.get(pos..)
            && !rest.trim().is_empty()
        {
            push_text(&mut lines, rest, false);
        }
        for a in &m.attachments {
            let name = a.filename.clone().unwrap_or_else(|| "unnamed".into());
            lines.push(Line::styled(
                format!(
                    "  [attachment] {} ({}, {} KB)",
                    sanitize_line(&name),
                    a.content_type,
                    a.size.div_ceil(1024)
                ),
                theme.style(StyleName::HintKey),
            ));
        }
    }
    lines
}

pub(crate) fn draw_thread(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = match &app.ticket {
        Some(t) => format!("#{} · {} messages", t.ticket.id, t.messages.len()),
        None => "Thread".into(),
    };
    let b = block(&title, app.focus == Pane::Thread, theme);
    let mut lines = Vec::new();
    if app.width < 160 && app.customer.is_some() {
        lines.extend(customer_summary(app, theme));
        lines.push(Line::raw(""));
    }
    lines.extend(thread_lines(app, theme));
    let p = Paragraph::new(Text::from(lines))
        .block(b)
        .wrap(Wrap { trim: false })
        .scroll((app.thread_scroll.min(u16::MAX / 2), 0));
    f.render_widget(p, area);
}

/// Above the thread on narrower screens: who, and the ticket's order in one line.
fn customer_summary(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = customer_lines(app, theme);
    lines.truncate(2);
    if let Some(o) = app.customer.as_ref().and_then(|c| c.ticket_order_ref()) {
        let tracking = [o.carrier.as_deref(), o.tracking_number.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(Line::styled(
            sanitize_line(&format!(
                "order #{} {}{}",
                o.number,
                o.status,
                if tracking.is_empty() {
                    String::new()
                } else {
                    format!(" · {tracking}")
                }
            )),
            theme.style(StyleName::HintDesc),
        ));
    }
    lines
}

/// The selected customer: who, the ticket's order in full, their tickets and other orders
/// (nothing when none is loaded).
fn customer_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let Some(c) = &app.customer else {
        return Vec::new();
    };
    let mut lines = vec![Line::styled(
        format!(
            "{} · {} · {} tickets · {} orders",
            sanitize_line(c.name.as_deref().unwrap_or("(no name)")),
            c.language.as_deref().unwrap_or("?"),
            c.tickets.len(),
            c.orders.len()
        ),
        theme.style(StyleName::Title),
    )];
    lines.push(Line::raw(sanitize_line(&c.addresses.join(", "))));
    if let Some(o) = c.ticket_order_ref() {
        lines.push(Line::raw(""));
        lines.extend(order_lines(o, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Tickets", theme.style(StyleName::ListHeader)));
    for t in c.tickets.iter().take(12) {
        let mark = if t.repeat {
            super::view::REPEAT_MARK.to_string()
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{mark}#{} ", t.id)),
            Span::styled(
                format!("{} ", t.status),
                theme.style(StyleName::status_named(t.status.as_str())),
            ),
            Span::styled(
                format!("{} ", short_age(app.now - t.updated_at.timestamp())),
                theme.style(StyleName::HintDesc),
            ),
            Span::styled(
                t.rating
                    .map(|s| format!("[{} {s}] ", s.kind().as_str()))
                    .unwrap_or_default(),
                theme.style(StyleName::HintKey),
            ),
            Span::raw(sanitize_line(&t.subject)),
        ]));
    }
    let others: Vec<&Order> = c
        .orders_ticket_first()
        .skip(usize::from(c.ticket_order_ref().is_some()))
        .collect();
    if !others.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Other orders",
            theme.style(StyleName::ListHeader),
        ));
        for o in others.into_iter().take(10) {
            lines.push(Line::raw(format!(
                "#{} {} {} {}",
                sanitize_line(&o.number),
                o.status,
                o.created_at.format("%Y-%m-%d"),
                o.total_text()
                    .map(|t| sanitize_line(&t))
                    .unwrap_or_default()
            )));
        }
    }
    if let Some(n) = &c.notes {
        lines.push(Line::raw(""));
        lines.push(Line::raw(sanitize_text(n)));
    }
    lines
}

/// The ticket's order in full: status, items, total, dates, carrier and tracking link.
fn order_lines(o: &Order, theme: &Theme) -> Vec<Line<'static>> {
    let dim = theme.style(StyleName::HintDesc);
    let field = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<9} "), dim),
            Span::raw(sanitize_line(&value)),
        ])
    };
    let date = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
    let mut lines = vec![Line::styled(
        format!("Order #{} · {}", sanitize_line(&o.number), o.status),
        theme.style(StyleName::ListHeader),
    )];
    for i in &o.items {
        lines.push(field("", format!("{} × {}", i.quantity, i.name)));
    }
    let mut add = |label: &str, value: Option<String>| {
        if let Some(v) = value {
            lines.push(field(label, v));
        }
    };
    add("total", o.total_text());
    add("placed", Some(date(o.created_at)));
    add("shipped", o.shipped_at.map(date));
    add("delivered", o.delivered_at.map(date));
    add("carrier", o.carrier.clone());
    add("tracking", o.tracking_number.clone());
    // The link on a line of its own: wrapped, it still reads (and copies) in one piece.
    if let Some(url) = &o.tracking_url {
        lines.push(Line::raw(sanitize_line(url)));
    }
    lines
}

pub(crate) fn draw_customer(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lines = match &app.customer {
        Some(_) => customer_lines(app, theme),
        None => vec![Line::styled(
            "No customer selected.",
            theme.style(StyleName::HintDesc),
        )],
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block("Customer", false, theme))
            .wrap(Wrap { trim: true }),
        area,
    );
}
