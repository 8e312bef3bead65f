//! Drawing: the whole screen from `App` alone. No I/O here.

use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::keymap::Keymap;
use super::theme::Theme;
use crate::app::{App, Mode, Pane, filtered_templates};
use crate::domain::sanitize::{sanitize_line, sanitize_text};

/// Cuts `s` to `width` terminal columns (CJK and emoji count double), padding with spaces.
pub fn fit(s: &str, width: usize) -> String {
    let s = sanitize_line(s);
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width {
            if w < width && width > 0 {
                out.push('…');
                w += 1;
            }
            break;
        }
        out.push(c);
        w += cw;
    }
    while w < width {
        out.push(' ');
        w += 1;
    }
    out
}

/// "5m", "3h", "2d" from a difference in seconds.
pub fn short_age(secs: i64) -> String {
    let s = secs.abs();
    let v = if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    };
    if secs < 0 { format!("-{v}") } else { v }
}

fn unix(rfc: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc).map_or(0, |d| d.timestamp())
}

fn block<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if focused { "border.focused" } else { "border" }))
        .title(Span::styled(format!(" {title} "), theme.style("title")))
}

pub fn draw(f: &mut Frame, app: &App, theme: &Theme, keymap: &Keymap) {
    let area = f.area();
    f.render_widget(Block::default().style(theme.style("base")), area);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    draw_title(f, rows[0], app, theme);
    draw_main(f, rows[1], app, theme);
    draw_status(f, rows[2], app, theme);
    draw_hints(f, rows[3], app, theme, keymap);
    match &app.mode {
        Mode::Help => draw_help(f, area, app, theme, keymap),
        Mode::Composer => draw_composer(f, area, app, theme),
        Mode::Picker { .. } => draw_picker(f, area, app, theme),
        _ => {}
    }
}

fn draw_title(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let q = app.queues.get(app.queue_selected);
    let mut spans = vec![
        Span::styled(" shopdesk ", theme.style("queue.selected")),
        Span::styled(
            format!(" {} ", sanitize_line(&app.title)),
            theme.style("title"),
        ),
    ];
    if let Some(q) = q {
        spans.push(Span::raw(format!("· {} ({}) ", q.name, app.list.total)));
    }
    if let Some(filter) = &app.filter {
        spans.push(Span::styled(
            format!("/ {} ", sanitize_line(filter)),
            theme.style("hint.key"),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_main(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if app.narrow() {
        if app.focus == Pane::Thread {
            draw_thread(f, area, app, theme);
            return;
        }
        let parts = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(1), Constraint::Min(1)])
            .split(area);
        draw_queue_tabs(f, parts[0], app, theme);
        draw_list(f, parts[1], app, theme);
        return;
    }
    let mut constraints = vec![
        Constraint::Length(24),
        Constraint::Percentage(42),
        Constraint::Min(30),
    ];
    if app.width >= 160 {
        constraints.push(Constraint::Length(34));
    }
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints(constraints)
        .split(area);
    draw_queues(f, cols[0], app, theme);
    draw_list(f, cols[1], app, theme);
    draw_thread(f, cols[2], app, theme);
    if cols.len() > 3 {
        draw_customer(f, cols[3], app, theme);
    }
}

fn draw_queue_tabs(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for (i, q) in app.queues.iter().enumerate() {
        let label = format!(
            " {} {} ",
            q.name,
            q.count.map_or("?".into(), |c| c.to_string())
        );
        let style = if i == app.queue_selected {
            theme.style("queue.selected")
        } else {
            theme.style("queue.count")
        };
        spans.push(Span::styled(label, style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_queues(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let inner_w = area.width.saturating_sub(2) as usize;
    let items: Vec<ListItem> = app
        .queues
        .iter()
        .map(|q| {
            let count = q.count.map_or("…".to_string(), |c| c.to_string());
            let name_w = inner_w.saturating_sub(count.width() + 1);
            let style = if q.name.starts_with("Breaching") && q.count.unwrap_or(0) > 0 {
                theme.style("sla.breaching")
            } else {
                Style::default()
            };
            ListItem::new(Line::from(vec![
                Span::styled(fit(&q.name, name_w), style),
                Span::raw(" "),
                Span::styled(count, theme.style("queue.count")),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.queue_selected));
    let list = List::new(items)
        .block(block("Queues", app.focus == Pane::Queues, theme))
        .highlight_style(theme.style("queue.selected"));
    f.render_stateful_widget(list, area, &mut state);
}

fn sla_cell(due: Option<&str>, status: &str, now: i64, theme: &Theme) -> Span<'static> {
    let Some(due) = due else {
        return Span::raw("    ");
    };
    if !matches!(status, "new" | "open") {
        return Span::raw("    ");
    }
    let left = unix(due) - now;
    let style = if left < 0 {
        theme.style("sla.breaching")
    } else if left < 2 * 3600 {
        theme.style("sla.soon")
    } else {
        theme.style("sla.ok")
    };
    Span::styled(format!("{:>4}", short_age(left)), style)
}

fn draw_list(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = format!(
        "Tickets {}/{}",
        (app.list.selected + 1).min(app.list.total),
        app.list.total
    );
    let b = block(&title, app.focus == Pane::List, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if app.list.rows.is_empty() {
        let msg = if app.list.total == 0 {
            "No tickets here."
        } else {
            "Loading…"
        };
        f.render_widget(Paragraph::new(msg).style(theme.style("hint.desc")), inner);
        return;
    }
    let height = inner.height as usize;
    // Keep the selection on screen: the visible slice of the loaded window.
    let rel = app.list.selected.saturating_sub(app.list.offset);
    let start = rel
        .saturating_sub(height.saturating_sub(1))
        .min(app.list.rows.len().saturating_sub(1));
    let start = if rel < start + height {
        start
    } else {
        rel + 1 - height
    };
    let w = inner.width as usize;
    let fixed = 7 + 1 + 7 + 1 + 4 + 1 + 4 + 1;
    let who_w = (w.saturating_sub(fixed) / 3).clamp(8, 22);
    let subj_w = w.saturating_sub(fixed + who_w + 1);
    let mut lines = Vec::new();
    for (i, t) in app.list.rows.iter().enumerate().skip(start).take(height) {
        let who = t
            .customer
            .name
            .clone()
            .or_else(|| t.customer.email.clone())
            .unwrap_or_default();
        let age = short_age(app.now - unix(&t.updated_at));
        let mut spans = vec![
            Span::raw(format!("{:>7} ", format!("#{}", t.id))),
            Span::styled(
                fit(&t.status, 7),
                theme.style(&format!("status.{}", t.status)),
            ),
            Span::raw(" "),
            Span::styled(format!("{age:>4}"), theme.style("hint.desc")),
            Span::raw(" "),
            sla_cell(t.due_at.as_deref(), &t.status, app.now, theme),
            Span::raw(" "),
            Span::raw(fit(&who, who_w)),
            Span::raw(" "),
            Span::raw(fit(&t.subject, subj_w)),
        ];
        if app.list.offset + i == app.list.selected {
            let sel = theme.style("list.selected");
            spans = spans.into_iter().map(|s| s.patch_style(sel)).collect();
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The thread as lines: header, then each message with quoted text folded.
pub fn thread_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(t) = &app.ticket else {
        lines.push(Line::styled(
            "Enter opens the selected ticket.",
            theme.style("hint.desc"),
        ));
        return lines;
    };
    let s = &t.ticket;
    lines.push(Line::styled(
        format!("#{} {}", s.id, sanitize_line(&s.subject)),
        theme.style("title"),
    ));
    let mut meta = vec![
        Span::styled(
            s.status.clone(),
            theme.style(&format!("status.{}", s.status)),
        ),
        Span::raw(format!(
            " · {}",
            sanitize_line(s.customer.email.as_deref().unwrap_or("?"))
        )),
        Span::raw(format!(" · owner {}", s.owner.as_deref().unwrap_or("none"))),
    ];
    if let Some(l) = &s.language {
        meta.push(Span::raw(format!(" · {l}")));
    }
    if !s.tags.is_empty() {
        meta.push(Span::styled(
            format!(" · {}", s.tags.join(" ")),
            theme.style("hint.key"),
        ));
    }
    lines.push(Line::from(meta));
    for m in &t.messages {
        lines.push(Line::raw(""));
        let who = match (&m.from.name, &m.from.email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.clone(),
            (Some(n), None) => n.clone(),
            _ => "?".into(),
        };
        let style = match m.direction.as_str() {
            "out" => theme.style("message.out"),
            "note" => theme.style("message.note"),
            _ => theme.style("message.header"),
        };
        let label = match m.direction.as_str() {
            "out" => "reply",
            "note" => "note",
            _ => "from",
        };
        let date = m.date.get(..16).unwrap_or(&m.date).replace('T', " ");
        lines.push(Line::styled(
            format!("── {label} {} · {date}", sanitize_line(&who)),
            style,
        ));
        for w in &m.warnings {
            lines.push(Line::styled(
                format!("   ! {}", sanitize_line(w)),
                theme.style("warning"),
            ));
        }
        let text = sanitize_text(&m.text);
        let mut pos = 0;
        let push_text = |lines: &mut Vec<Line<'static>>, s: &str, quote: bool| {
            for l in s.trim_end_matches('\n').split('\n') {
                if quote {
                    lines.push(Line::styled(format!("  {l}"), theme.style("quote")));
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
                    theme.style("quote"),
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
                theme.style("hint.key"),
            ));
        }
    }
    lines
}

fn draw_thread(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = match &app.ticket {
        Some(t) => format!("#{} · {} messages", t.ticket.id, t.messages.len()),
        None => "Thread".into(),
    };
    let b = block(&title, app.focus == Pane::Thread, theme);
    let mut lines = Vec::new();
    if app.width < 160
        && let Some(c) = &app.customer
    {
        lines.extend(customer_lines(c, app, theme).into_iter().take(3));
        lines.push(Line::raw(""));
    }
    lines.extend(thread_lines(app, theme));
    let p = Paragraph::new(Text::from(lines))
        .block(b)
        .wrap(Wrap { trim: false })
        .scroll((app.thread_scroll.min(u16::MAX / 2), 0));
    f.render_widget(p, area);
}

fn customer_lines(
    c: &crate::store::views::CustomerInfo,
    app: &App,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!(
            "{} · {} · {} tickets · {} orders",
            sanitize_line(c.name.as_deref().unwrap_or("(no name)")),
            c.language.as_deref().unwrap_or("?"),
            c.tickets.len(),
            c.orders.len()
        ),
        theme.style("title"),
    )];
    lines.push(Line::raw(sanitize_line(&c.addresses.join(", "))));
    if let Some(o) = c.orders.first() {
        lines.push(Line::styled(
            format!(
                "last order {} {}{}",
                o.number,
                o.status,
                o.tracking_number
                    .as_ref()
                    .map(|t| format!(" · {} {t}", o.carrier.clone().unwrap_or_default()))
                    .unwrap_or_default()
            ),
            theme.style("hint.desc"),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Tickets", theme.style("list.header")));
    for (id, status, subject, updated) in c.tickets.iter().take(12) {
        lines.push(Line::from(vec![
            Span::raw(format!("#{id} ")),
            Span::styled(
                format!("{status} "),
                theme.style(&format!("status.{status}")),
            ),
            Span::styled(
                format!("{} ", short_age(app.now - updated)),
                theme.style("hint.desc"),
            ),
            Span::raw(sanitize_line(subject)),
        ]));
    }
    if !c.orders.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Orders", theme.style("list.header")));
        for o in c.orders.iter().take(10) {
            lines.push(Line::raw(format!(
                "{} {} {}",
                o.number,
                o.status,
                o.total.clone().unwrap_or_default()
            )));
        }
    }
    if let Some(n) = &c.notes {
        lines.push(Line::raw(""));
        lines.push(Line::raw(sanitize_text(n)));
    }
    lines
}

fn draw_customer(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lines = match &app.customer {
        Some(c) => customer_lines(c, app, theme),
        None => vec![Line::styled(
            "No customer selected.",
            theme.style("hint.desc"),
        )],
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block("Customer", false, theme))
            .wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_status(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = match &app.mode {
        Mode::Search { input } => Line::from(vec![
            Span::styled("/", theme.style("hint.key")),
            Span::styled(format!("{}▏", sanitize_line(input)), theme.style("input")),
            Span::raw("  "),
            match &app.status {
                Some((s, true)) => Span::styled(sanitize_line(s), theme.style("error")),
                _ => Span::styled(
                    format!("{} matching", app.list.total),
                    theme.style("hint.desc"),
                ),
            },
        ]),
        Mode::Palette { input } => Line::from(vec![
            Span::styled(":", theme.style("hint.key")),
            Span::styled(format!("{}▏", sanitize_line(input)), theme.style("input")),
            Span::styled(
                "  status S · assign A · tag +a -b · note TEXT · reply · quit",
                theme.style("hint.desc"),
            ),
        ]),
        _ => {
            let mut spans = Vec::new();
            if let Some(p) = app.pending_send {
                spans.push(Span::styled(
                    format!(
                        " sending #{} in {}s (u: undo) ",
                        p.ticket,
                        (p.deadline - app.now).max(0)
                    ),
                    theme.style("sla.soon"),
                ));
            }
            match &app.status {
                Some((s, true)) => spans.push(Span::styled(
                    format!(" {}", sanitize_line(s)),
                    theme.style("error"),
                )),
                Some((s, false)) => spans.push(Span::raw(format!(" {}", sanitize_line(s)))),
                None => {}
            }
            let (queued, failed) = app.outbox;
            let right = match (queued, failed) {
                (0, 0) => String::new(),
                (q, 0) => format!("outbox: {q} queued "),
                (q, f) => format!("outbox: {q} queued, {f} failed "),
            };
            let used: usize = spans.iter().map(|s| s.content.width()).sum();
            let pad = (area.width as usize).saturating_sub(used + right.width());
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled(
                right,
                if failed > 0 {
                    theme.style("error")
                } else {
                    theme.style("hint.desc")
                },
            ));
            Line::from(spans)
        }
    };
    f.render_widget(Paragraph::new(line).style(theme.style("statusbar")), area);
}

fn draw_hints(f: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let mut spans = Vec::new();
    let mut width = 0usize;
    for (keys, desc) in keymap.hints(app.context()) {
        let w = keys.width() + desc.width() + 3;
        if width + w > area.width as usize {
            break;
        }
        width += w;
        spans.push(Span::styled(keys, theme.style("hint.key")));
        spans.push(Span::styled(format!(" {desc}  "), theme.style("hint.desc")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn centered(area: Rect, w_pct: u16, h_pct: u16) -> Rect {
    let w = (area.width * w_pct / 100).max(area.width.min(40));
    let h = (area.height * h_pct / 100).max(area.height.min(10));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_help(f: &mut Frame, area: Rect, app: &App, theme: &Theme, keymap: &Keymap) {
    let r = centered(area, 70, 80);
    f.render_widget(Clear, r);
    let mut lines = Vec::new();
    let context = match app.focus {
        Pane::Queues => "queues",
        Pane::List => "list",
        Pane::Thread => "thread",
    };
    for ctx in [context, "global"] {
        lines.push(Line::styled(format!("[{ctx}]"), theme.style("list.header")));
        for (keys, desc) in keymap.describe(ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>16}  "), theme.style("hint.key")),
                Span::raw(desc),
            ]));
        }
        lines.push(Line::raw(""));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block("Keys (Esc closes)", true, theme))
            .wrap(Wrap { trim: false }),
        r,
    );
}

fn draw_composer(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(c) = &app.composer else {
        return;
    };
    let r = centered(area, 80, 80);
    f.render_widget(Clear, r);
    let to = app
        .ticket
        .as_ref()
        .filter(|t| t.ticket.id == c.ticket)
        .and_then(|t| t.ticket.customer.email.clone())
        .unwrap_or_default();
    let title = format!(
        "Reply to #{} · {}{}",
        c.ticket,
        sanitize_line(&to),
        c.template
            .as_ref()
            .map(|t| format!(" · template {t}"))
            .unwrap_or_default()
    );
    let b = block(&title, true, theme);
    let inner = b.inner(r);
    f.render_widget(b, r);
    f.render_widget(&c.area, inner);
}

fn draw_picker(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Mode::Picker { filter, selected } = &app.mode else {
        return;
    };
    let r = centered(area, 85, 80);
    f.render_widget(Clear, r);
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(26), Constraint::Min(20)])
        .split(r);
    let names = filtered_templates(&app.templates, filter);
    let items: Vec<ListItem> = names
        .iter()
        .map(|n| ListItem::new(n.as_str().to_string()))
        .collect();
    let mut state = ListState::default().with_selected((!names.is_empty()).then_some(*selected));
    let title = format!("Template: {}▏", sanitize_line(filter));
    f.render_stateful_widget(
        List::new(items)
            .block(block(&title, true, theme))
            .highlight_style(theme.style("list.selected").add_modifier(Modifier::BOLD)),
        cols[0],
        &mut state,
    );
    let preview = app
        .preview
        .clone()
        .unwrap_or_else(|| "No template matches.".into());
    f.render_widget(
        Paragraph::new(sanitize_text(&preview))
            .block(block("Preview", false, theme))
            .wrap(Wrap { trim: false }),
        cols[1],
    );
}
