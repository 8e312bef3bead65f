//! The status bar: what the console is doing (a search or command being typed, a
//! preview waiting), the service-level counter, the outbox's failures with the server's
//! words, and the last sync. Drawn from `App` alone.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::styles::StyleName;
use super::text::{Cut, fit, short_age};
use super::theme::Theme;
use crate::app::{App, Mode};
use crate::domain::outbox::OutboxFailure;
use crate::domain::sanitize::sanitize_line;

/// "⚠ 2 breached · 3 approaching · " by the service-level stages; nothing when no clock
/// is at a stage (or none was counted yet).
fn sla_counter(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let Some(c) = &app.sla.counts else {
        return Vec::new();
    };
    let breached = c.breached.len();
    let mut out = Vec::new();
    if breached > 0 {
        out.push(Span::styled(
            format!("⚠ {breached} breached"),
            theme.style(StyleName::SlaBreaching),
        ));
    }
    if c.approaching > 0 {
        let lead = if breached > 0 { " · " } else { "⚠ " };
        out.push(Span::styled(
            format!("{lead}{} approaching", c.approaching),
            theme.style(StyleName::SlaSoon),
        ));
    }
    if !out.is_empty() {
        out.push(Span::styled(" · ", theme.style(StyleName::HintDesc)));
    }
    out
}

pub(super) fn draw_status(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = match &app.mode {
        Mode::Search { input } => Line::from(vec![
            Span::styled("/", theme.style(StyleName::HintKey)),
            Span::styled(
                format!("{}▏", sanitize_line(input)),
                theme.style(StyleName::Input),
            ),
            Span::raw("  "),
            match &app.status {
                Some((s, true)) => Span::styled(sanitize_line(s), theme.style(StyleName::Error)),
                _ => Span::styled(
                    format!("{} matching", app.list.total),
                    theme.style(StyleName::HintDesc),
                ),
            },
        ]),
        Mode::Palette { input } => Line::from(vec![
            Span::styled(":", theme.style(StyleName::HintKey)),
            Span::styled(
                format!("{}▏", sanitize_line(input)),
                theme.style(StyleName::Input),
            ),
            Span::styled(
                "  status S · assign A · priority P · tag +a -b · note TEXT · reply [NAME] · merge N · save NAME · report · quit",
                theme.style(StyleName::HintDesc),
            ),
        ]),
        _ => {
            let mut spans = Vec::new();
            if !app.marks.is_empty() || app.marks.visual() {
                let range = if app.marks.visual() {
                    " · range (V ends)"
                } else {
                    ""
                };
                spans.push(Span::styled(
                    format!(" {} marked{range} ", app.marks.len()),
                    theme.style(StyleName::HintKey),
                ));
            }
            if let Some(p) = app.pending_send {
                spans.push(Span::styled(
                    format!(
                        " sending #{} in {}s (u: undo) ",
                        p.ticket,
                        (p.deadline - app.now).max(0)
                    ),
                    theme.style(StyleName::SlaSoon),
                ));
            }
            match &app.status {
                Some((s, true)) => spans.push(Span::styled(
                    format!(" {}", sanitize_line(s)),
                    theme.style(StyleName::Error),
                )),
                Some((s, false)) => spans.push(Span::raw(format!(" {}", sanitize_line(s)))),
                None => {}
            }
            let (queued, failed) = app.outbox;
            let synced = match app.synced_at {
                Some(t) => format!("synced {} ago ", short_age(app.now - t)),
                None => "not synced yet ".to_string(),
            };
            let sla = sla_counter(app, theme);
            let used: usize = spans.iter().chain(&sla).map(|s| s.content.width()).sum();
            let right = match (queued, failed, &app.outbox_failure) {
                (0, 0, _) => synced,
                (q, 0, _) => format!("outbox: {q} queued · {synced}"),
                (q, f, None) => format!("outbox: {q} queued, {f} failed · {synced}"),
                (q, f, Some(failure)) => failure_note(
                    failure,
                    (q, f),
                    &synced,
                    (area.width as usize).saturating_sub(used),
                ),
            };
            let pad = (area.width as usize).saturating_sub(used + right.width());
            spans.push(Span::raw(" ".repeat(pad)));
            spans.extend(sla);
            spans.push(Span::styled(
                right,
                if failed > 0 {
                    theme.style(StyleName::Error)
                } else {
                    theme.style(StyleName::HintDesc)
                },
            ));
            Line::from(spans)
        }
    };
    f.render_widget(
        Paragraph::new(line).style(theme.style(StyleName::Statusbar)),
        area,
    );
}

/// A failed reply on the status bar, its ticket and the server's words first: the queue
/// count, the time of the last sync and the server's name give way, in that order, before
/// the words do.
pub(super) fn failure_note(
    failure: &OutboxFailure,
    (queued, failed): (i64, i64),
    synced: &str,
    room: usize,
) -> String {
    let head = match (failed, failure.ticket) {
        (1, Some(t)) if failure.permanent => format!("✗ reply to #{t} refused: "),
        (1, Some(t)) => format!("✗ reply to #{t} failed: "),
        (f, Some(t)) => format!("✗ {f} failed, newest #{t}: "),
        (f, None) => format!("✗ {f} failed: "),
    };
    let error = sanitize_line(&failure.error);
    let error = error.as_str();
    // A refusal is stored as "550 5.1.1 <x@y>: ... (SMTP server host:port)".
    let words = error
        .rsplit_once(" (SMTP server ")
        .map_or(error, |(w, _)| w);
    let queue = if queued > 0 {
        format!(" · {queued} queued")
    } else {
        String::new()
    };
    [
        format!("{head}{error}{queue} · {synced}"),
        format!("{head}{error} · {synced}"),
        format!("{head}{words} · {synced}"),
        format!("{head}{words} "),
    ]
    .into_iter()
    .find(|c| c.width() <= room)
    .unwrap_or_else(|| {
        let left = room.saturating_sub(head.width() + 1);
        format!("{head}{} ", fit(words, left, Cut::Ellipsis).trim_end())
    })
}
