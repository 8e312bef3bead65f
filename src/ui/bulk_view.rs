//! The preview of a bulk action: one line saying what will happen and what is skipped,
//! then each ticket with what happens to it. Applied on confirm, so it must say it all.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::styles::StyleName;
use super::text::{Cut, fit};
use super::theme::Theme;
use super::view::block;
use crate::app::{App, Mode, Outcome};
use crate::domain::sanitize::sanitize_line;

/// The outcome's column.
const OUTCOME_WIDTH: usize = 34;

pub fn draw_confirm(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Mode::Confirm(plan) = &app.mode else {
        return;
    };
    let w = (area.width.saturating_sub(4)).clamp(20, 100);
    let h = area.height.saturating_sub(4).max(6);
    let r = Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let b = block("Apply? Enter/y applies · n/Esc cancels", true, theme);
    let inner = b.inner(r);
    f.render_widget(b, r);
    let width = usize::from(inner.width);
    let text = sanitize_line(&plan.headline());
    // a long headline wraps (its words are the point), up to three rows
    let head_rows = text.width().div_ceil(width.max(1)).clamp(1, 3) as u16;
    let headline = Paragraph::new(text)
        .style(theme.style(StyleName::ListHeader))
        .wrap(Wrap { trim: true });
    f.render_widget(
        headline,
        Rect {
            height: head_rows,
            ..inner
        },
    );
    let list = Rect {
        y: inner.y + head_rows + 1,
        height: inner.height.saturating_sub(head_rows + 1),
        ..inner
    };
    let title_w = width.saturating_sub(8 + OUTCOME_WIDTH + 1);
    let lines: Vec<Line> = plan
        .rows
        .iter()
        .skip(plan.scroll)
        .take(usize::from(list.height))
        .map(|row| {
            let (what, style) = match &row.outcome {
                Outcome::Apply(s) => (s.clone(), theme.style(StyleName::Base)),
                Outcome::Skip(why) => (format!("skip: {why}"), theme.style(StyleName::HintDesc)),
            };
            Line::from(vec![
                Span::styled(format!("{:>7} ", format!("#{}", row.ticket)), style),
                Span::styled(fit(&what, OUTCOME_WIDTH, Cut::Ellipsis), style),
                Span::raw(" "),
                Span::styled(fit(&row.title, title_w, Cut::Ellipsis), style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}
