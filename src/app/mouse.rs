//! The mouse, through the same update path as keys: a click focuses the pane under it and
//! selects the row or queue there, a double click opens a ticket, a Ctrl-click marks one,
//! the wheel scrolls lists and threads. Clicks are placed with `layout`, the areas the views draw into.

use unicode_width::UnicodeWidthStr;

use super::layout::{self, contains};
use super::update::open_selected;
use super::*;

/// Rows the wheel moves per notch.
const WHEEL_STEP: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Click,
    /// A second click on the same cell soon after the first (the runtime decides).
    DoubleClick,
    /// A click with Ctrl: toggles the mark of the ticket under it.
    MarkClick,
    ScrollUp,
    ScrollDown,
}

/// A mouse event at a screen cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mouse {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}

pub(super) fn on_mouse(app: &mut App, m: Mouse) -> Vec<Effect> {
    // Overlays (help, composer, picker) and typed lines keep their keys; a click leaves a
    // search or palette line as Enter would not, so it is simply ignored there too.
    if app.mode != Mode::Normal {
        return Vec::new();
    }
    let areas = app.areas();
    let Some(pane) = areas.pane_at(m.column, m.row) else {
        return Vec::new();
    };
    match (pane, m.kind) {
        (Pane::Queues, MouseKind::Click | MouseKind::DoubleClick) => {
            app.focus = Pane::Queues;
            match queue_at(app, &areas, m) {
                Some(i) => choose_queue(app, i),
                None => Vec::new(),
            }
        }
        (Pane::List, MouseKind::Click | MouseKind::DoubleClick) => {
            app.focus = Pane::List;
            let Some(index) = list_row_at(app, &areas, m) else {
                return Vec::new();
            };
            if m.kind == MouseKind::DoubleClick {
                app.list.selected = index;
                return open_selected(app);
            }
            select_and_preview(app, index)
        }
        (Pane::List, MouseKind::MarkClick) => {
            app.focus = Pane::List;
            if let Some(t) =
                list_row_at(app, &areas, m).and_then(|i| app.list.rows.get(i - app.list.offset))
            {
                app.marks.toggle(t.id);
            }
            Vec::new()
        }
        (_, MouseKind::MarkClick) => Vec::new(),
        (Pane::Thread, MouseKind::Click | MouseKind::DoubleClick) => focus_thread(app),
        (Pane::Queues, MouseKind::ScrollUp | MouseKind::ScrollDown) => {
            let n = app.queues.len();
            let i = if m.kind == MouseKind::ScrollDown {
                (app.queue_selected + 1).min(n.saturating_sub(1))
            } else {
                app.queue_selected.saturating_sub(1)
            };
            choose_queue(app, i)
        }
        (Pane::List, MouseKind::ScrollUp | MouseKind::ScrollDown) => {
            let sel = app.list.selected;
            let index = if m.kind == MouseKind::ScrollDown {
                sel + WHEEL_STEP
            } else {
                sel.saturating_sub(WHEEL_STEP)
            };
            select_and_preview(app, index)
        }
        (Pane::Thread, MouseKind::ScrollUp | MouseKind::ScrollDown) => {
            let step = WHEEL_STEP as u16;
            app.thread_scroll = if m.kind == MouseKind::ScrollDown {
                app.thread_scroll.saturating_add(step).min(u16::MAX / 2)
            } else {
                app.thread_scroll.saturating_sub(step)
            };
            Vec::new()
        }
    }
}

/// Focuses the thread, opening the highlighted ticket when none is shown (as Tab does).
fn focus_thread(app: &mut App) -> Vec<Effect> {
    app.focus = Pane::Thread;
    if app.ticket.is_none() {
        return open_selected(app);
    }
    Vec::new()
}

fn select_and_preview(app: &mut App, index: usize) -> Vec<Effect> {
    let mut fx = app.select(index);
    fx.extend(app.preview());
    fx
}

/// Switches the list to queue `i` (as moving there with keys does).
fn choose_queue(app: &mut App, i: usize) -> Vec<Effect> {
    if i >= app.queues.len() || i == app.queue_selected {
        return Vec::new();
    }
    app.queue_selected = i;
    app.list = ListWindow {
        query: app.list_query(),
        ..ListWindow::default()
    };
    vec![app.load_list(0)]
}

/// The queue under the pointer: a row of the queue pane, or a tab on a narrow screen.
fn queue_at(app: &App, areas: &Areas, m: Mouse) -> Option<usize> {
    if let Some(r) = areas.queues {
        let inner_top = r.y + 1;
        if m.row < inner_top || m.row + 1 >= r.y + r.height {
            return None;
        }
        let i = usize::from(m.row - inner_top);
        return (i < app.queues.len()).then_some(i);
    }
    let tabs = areas.tabs?;
    if !contains(tabs, m.column, m.row) {
        return None;
    }
    let labels = layout::tab_labels(&app.queues);
    let strip = layout::tab_strip(&labels, app.queue_selected, usize::from(tabs.width));
    // The bar as drawn: `‹` first when tabs are out of sight on the left, `›` after the
    // last shown; an arrow stands for the queue just past it.
    let column = usize::from(m.column);
    let mut x = usize::from(tabs.x);
    if strip.first > 0 {
        if column == x {
            return Some(strip.first - 1);
        }
        x += 1;
    }
    for (i, label) in labels.iter().enumerate().take(strip.end).skip(strip.first) {
        let w = label.width();
        if column < x + w {
            return Some(i);
        }
        x += w;
    }
    (strip.end < labels.len() && column == x).then_some(strip.end)
}

/// The ticket row under the pointer, as an absolute index into the list.
fn list_row_at(app: &App, areas: &Areas, m: Mouse) -> Option<usize> {
    let r = areas.list?;
    let inner_top = r.y + 1;
    let height = usize::from(r.height.saturating_sub(2));
    if m.row < inner_top || usize::from(m.row - inner_top) >= height {
        return None;
    }
    let start = layout::list_start(&app.list, height);
    let rel = start + usize::from(m.row - inner_top);
    (rel < app.list.rows.len()).then_some(app.list.offset + rel)
}
