//! Drawing: the whole screen from `App` alone. No I/O here.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::keymap::Keymap;
use super::report_view::draw_report;
use super::status_view::draw_status;
use super::styles::StyleName;
use super::text::{Cut, fit, short_age};
use super::theme::Theme;
use super::thread_view::{draw_customer, draw_thread};
use crate::app::layout::{list_start, tab_labels, tab_strip};
use crate::app::{App, Context, Mode, Pane, Preview, QueueKind};
use crate::domain::sanitize::{sanitize_line, sanitize_text};

pub(crate) fn block<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if focused {
            StyleName::BorderFocused
        } else {
            StyleName::Border
        }))
        .title(Span::styled(
            format!(" {title} "),
            theme.style(StyleName::Title),
        ))
}

pub fn draw(f: &mut Frame, app: &App, theme: &Theme, keymap: &Keymap) {
    let area = f.area();
    f.render_widget(Block::default().style(theme.style(StyleName::Base)), area);
    let areas = app.areas();
    draw_title(f, areas.title, app, theme);
    if app.mode == Mode::Report {
        draw_report(f, areas.main, app, theme);
    } else {
        draw_main(f, app, theme);
    }
    draw_status(f, areas.status, app, theme);
    draw_hints(f, areas.hints, app, theme, keymap);
    match &app.mode {
        Mode::Help => draw_help(f, area, app, theme, keymap),
        Mode::Composer => draw_composer(f, area, app, theme),
        Mode::Picker { .. } => draw_picker(f, area, app, theme),
        Mode::Confirm(_) => super::bulk_view::draw_confirm(f, area, app, theme),
        _ => {}
    }
}

fn draw_title(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let q = app.queues.get(app.queue_selected);
    let mut spans = vec![
        Span::styled(" shopdesk ", theme.style(StyleName::QueueSelected)),
        Span::styled(
            format!(" {} ", sanitize_line(&app.title)),
            theme.style(StyleName::Title),
        ),
    ];
    if app.mode == Mode::Report {
        spans.push(Span::raw("· Report "));
    } else if let Some(q) = q {
        spans.push(Span::raw(format!("· {} ({}) ", q.name, app.list.total)));
    }
    if let Some(filter) = &app.filter {
        spans.push(Span::styled(
            format!("/ {} ", sanitize_line(filter)),
            theme.style(StyleName::HintKey),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_main(f: &mut Frame, app: &App, theme: &Theme) {
    let areas = app.areas();
    if let Some(r) = areas.tabs {
        draw_queue_tabs(f, r, app, theme);
    }
    if let Some(r) = areas.queues {
        draw_queues(f, r, app, theme);
    }
    if let Some(r) = areas.list {
        draw_list(f, r, app, theme);
    }
    if let Some(r) = areas.thread {
        draw_thread(f, r, app, theme);
    }
    if let Some(r) = areas.customer {
        draw_customer(f, r, app, theme);
    }
}

fn draw_queue_tabs(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let labels = tab_labels(&app.queues);
    let strip = tab_strip(&labels, app.queue_selected, usize::from(area.width));
    let arrow = theme.style(StyleName::HintKey);
    let mut spans = Vec::new();
    if strip.first > 0 {
        spans.push(Span::styled("‹", arrow));
    }
    for (i, label) in labels
        .into_iter()
        .enumerate()
        .take(strip.end)
        .skip(strip.first)
    {
        let style = if i == app.queue_selected {
            theme.style(StyleName::QueueSelected)
        } else {
            theme.style(StyleName::QueueCount)
        };
        spans.push(Span::styled(label, style));
    }
    if strip.end < app.queues.len() {
        spans.push(Span::styled("›", arrow));
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
            let style = if q.kind == QueueKind::Breaching && q.count.unwrap_or(0) > 0 {
                theme.style(StyleName::SlaBreaching)
            } else {
                Style::default()
            };
            ListItem::new(Line::from(vec![
                Span::styled(fit(&q.name, name_w, Cut::Clip), style),
                Span::raw(" "),
                Span::styled(count, theme.style(StyleName::QueueCount)),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.queue_selected));
    let list = List::new(items)
        .block(block("Queues", app.focus == Pane::Queues, theme))
        .highlight_style(theme.style(StyleName::QueueSelected));
    f.render_stateful_widget(list, area, &mut state);
}

/// Time left until the due time, for a ticket that waits on us.
fn sla_cell(left: Option<i64>, theme: &Theme) -> Span<'static> {
    let Some(left) = left else {
        return Span::raw("    ");
    };
    let style = if left < 0 {
        theme.style(StyleName::SlaBreaching)
    } else if left < 2 * 3600 {
        theme.style(StyleName::SlaSoon)
    } else {
        theme.style(StyleName::SlaOk)
    };
    Span::styled(format!("{:>4}", short_age(left)), style)
}

/// The first thing a new user sees: the way in.
const NO_ACCOUNTS: &str = "No accounts configured: run `shopdesk init` to set up your shop's \
                           mailbox, or `shopdesk demo` to try a sample shop.";

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
        let msg = if app.list.total == 0 && app.no_accounts {
            NO_ACCOUNTS
        } else if app.list.total == 0 {
            "No tickets here."
        } else {
            "Loading…"
        };
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.style(StyleName::HintDesc))
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let height = inner.height as usize;
    // Keep the selection on screen: the visible slice of the loaded window.
    let start = list_start(&app.list, height);
    let (who_w, subj_w) = text_columns(
        inner.width as usize,
        app.list
            .rows
            .iter()
            .skip(start)
            .take(height)
            // a size estimate without a copy per row; `fit` cleans what is drawn
            .map(|t| t.customer.label().width()),
        app.list
            .rows
            .iter()
            .skip(start)
            .take(height)
            .map(|t| t.subject.width()),
    );
    let mut lines = Vec::new();
    for (i, t) in app.list.rows.iter().enumerate().skip(start).take(height) {
        let age = short_age(app.now - t.updated_at.timestamp());
        // the number's column starts with the mark; a repeat contact is marked before its
        // number, where the number leaves room
        let mark = if app.marks.contains(t.id) { "●" } else { " " };
        let number = match format!("#{}", t.id) {
            n if t.repeat && n.len() < 6 => format!("{REPEAT_MARK}{n}"),
            n => n,
        };
        let mut spans = vec![
            Span::styled(mark, theme.style(StyleName::HintKey)),
            Span::raw(format!("{number:>6} ")),
            Span::styled(
                fit(t.status.as_str(), 7, Cut::Clip),
                theme.style(StyleName::status_named(t.status.as_str())),
            ),
            Span::raw(" "),
            Span::styled(format!("{age:>4}"), theme.style(StyleName::HintDesc)),
            Span::raw(" "),
            sla_cell(t.due_in(app.now), theme),
            Span::raw(" "),
            Span::raw(fit(t.customer.label(), who_w, Cut::Clip)),
            Span::raw(" "),
            Span::raw(fit(&t.subject, subj_w, Cut::Clip)),
        ];
        if app.list.offset + i == app.list.selected {
            let sel = theme.style(StyleName::ListSelected);
            spans = spans.into_iter().map(|s| s.patch_style(sel)).collect();
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// Before a repeat contact's number in the list.
pub const REPEAT_MARK: char = '↻';

/// Columns before the customer: number, status, age, time to the due time, with a space
/// after each.
const FIXED_COLUMNS: usize = 7 + 1 + 7 + 1 + 4 + 1 + 4 + 1;
/// The customer column's bounds: a name is read by its start, an address needs most of
/// itself, a subject needs the room.
const WHO_MIN: usize = 8;
const WHO_MAX: usize = 32;

/// The customer and subject columns' widths in a list `width` columns wide, from the
/// widths of the visible names and subjects: the customer column is as wide as the widest
/// name (within bounds). Where both do not fit, the subject keeps what it needs down to
/// two thirds of the room; the customer takes what the subject leaves, the subject the rest.
pub(crate) fn text_columns(
    width: usize,
    names: impl Iterator<Item = usize>,
    subjects: impl Iterator<Item = usize>,
) -> (usize, usize) {
    let room = width.saturating_sub(FIXED_COLUMNS + 1);
    let widest = names.max().unwrap_or(WHO_MIN);
    let subject = subjects.max().unwrap_or(0);
    let share = (room / 3).max(WHO_MIN);
    // room the subject does not need (a space between the columns)
    let spare = room.saturating_sub(subject + 1).max(share);
    let who = widest.clamp(WHO_MIN, WHO_MAX).min(spare);
    (who, room.saturating_sub(who))
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
        spans.push(Span::styled(keys, theme.style(StyleName::HintKey)));
        spans.push(Span::styled(
            format!(" {desc}  "),
            theme.style(StyleName::HintDesc),
        ));
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
    let r = centered(area, 90, 90);
    f.render_widget(Clear, r);
    let b = block("Keys (Esc closes)", true, theme);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let contexts = [app.focus.context(), Context::Global].map(|ctx| (ctx, keymap.describe(ctx)));
    let key_width = contexts
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0)
        .min(16);
    let mut lines = Vec::new();
    for (ctx, keys) in contexts {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            format!("[{ctx}]"),
            theme.style(StyleName::ListHeader),
        ));
        for (keys, desc) in keys {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{keys:>key_width$}  "),
                    theme.style(StyleName::HintKey),
                ),
                Span::raw(desc),
            ]));
        }
    }
    // Every key in view: as many columns as the list needs and the width allows, each
    // filled top to bottom.
    let height = usize::from(inner.height.max(1));
    let room = usize::from(inner.width / 26).max(1);
    let columns = lines.len().div_ceil(height).clamp(1, room);
    let areas = Layout::horizontal(vec![Constraint::Fill(1); columns]).split(inner);
    for (chunk, column) in lines.chunks(height).zip(areas.iter()) {
        f.render_widget(Paragraph::new(chunk.to_vec()), *column);
    }
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
    ) + &c
        .status_after
        .map(|st| format!(" · then {}", st.as_str()))
        .unwrap_or_default();
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
    let names = app.picker_templates(filter);
    let items: Vec<ListItem> = names
        .iter()
        .map(|n| ListItem::new(n.as_str().to_string()))
        .collect();
    let mut state = ListState::default().with_selected((!names.is_empty()).then_some(*selected));
    let title = format!("Template: {}▏", sanitize_line(filter));
    f.render_stateful_widget(
        List::new(items)
            .block(block(&title, true, theme))
            .highlight_style(
                theme
                    .style(StyleName::ListSelected)
                    .add_modifier(Modifier::BOLD),
            ),
        cols[0],
        &mut state,
    );
    let preview = match &app.preview {
        Some(Preview::Rendered(text)) => text.clone(),
        Some(Preview::Failed(why)) => format!("(cannot render: {why})"),
        None => "No template matches.".into(),
    };
    f.render_widget(
        Paragraph::new(sanitize_text(&preview))
            .block(block("Preview", false, theme))
            .wrap(Wrap { trim: false }),
        cols[1],
    );
}

#[cfg(test)]
mod tests {
    use super::text_columns;

    #[test]
    fn the_subject_takes_what_the_names_leave() {
        // (list width, widest visible name, widest subject, customer column, subject column)
        let cases = [
            (76, Some(14), 30, 14, 35),
            (76, Some(40), 40, 16, 33),
            (76, Some(3), 30, 8, 41),
            (76, None, 30, 8, 41),
            (84, Some(30), 40, 19, 38),
            (120, Some(30), 60, 30, 63),
            (30, Some(20), 10, 8, 0),
            // 150 columns: a long address beside short subjects takes the room they leave
            (73, Some(34), 25, 20, 26),
            (73, Some(30), 14, 30, 16),
            // ... up to the cap, and long subjects keep two thirds
            (100, Some(45), 20, 32, 41),
            (73, Some(30), 60, 15, 31),
        ];
        for (w, name, subj, who, subject) in cases {
            assert_eq!(
                text_columns(w, name.into_iter(), [subj].into_iter()),
                (who, subject),
                "width {w}, name {name:?}, subject {subj}"
            );
        }
    }
}
