//! Where each pane sits on the screen, from the terminal's size alone. The views draw into
//! these areas and `update` reads the same ones to know what a mouse click landed on, so
//! the two cannot disagree.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use unicode_width::UnicodeWidthStr;

use super::{ListWindow, Pane, Queue};

/// Terminals narrower than this show one pane at a time.
pub const NARROW_BELOW: u16 = 120;
/// From this width the customer has a pane of its own.
pub const CUSTOMER_PANE_FROM: u16 = 160;
const QUEUES_WIDTH: u16 = 24;
const CUSTOMER_WIDTH: u16 = 34;
/// The thread pane keeps enough room for a readable line of mail.
const THREAD_MIN: u16 = 40;

/// The screen's areas. On a narrow terminal the queues are a row of tabs above the list,
/// and the thread, when focused, takes the list's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub title: Rect,
    pub main: Rect,
    pub status: Rect,
    pub hints: Rect,
    pub queues: Option<Rect>,
    /// The queues as one line of tabs (narrow terminals).
    pub tabs: Option<Rect>,
    pub list: Option<Rect>,
    pub thread: Option<Rect>,
    pub customer: Option<Rect>,
}

impl Areas {
    /// The pane at a screen cell, if any.
    pub fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        let hit = |r: Option<Rect>| r.is_some_and(|r| contains(r, column, row));
        if hit(self.queues) || hit(self.tabs) {
            Some(Pane::Queues)
        } else if hit(self.list) {
            Some(Pane::List)
        } else if hit(self.thread) {
            Some(Pane::Thread)
        } else {
            None
        }
    }
}

pub fn contains(r: Rect, column: u16, row: u16) -> bool {
    column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height
}

/// The areas of a `width` × `height` screen with `thread_focused` saying which pane a
/// narrow terminal shows.
pub fn areas(width: u16, height: u16, thread_focused: bool) -> Areas {
    let full = Rect::new(0, 0, width, height);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(full);
    let mut a = Areas {
        title: rows[0],
        main: rows[1],
        status: rows[2],
        hints: rows[3],
        ..Areas::default()
    };
    if width < NARROW_BELOW {
        if thread_focused {
            a.thread = Some(a.main);
        } else {
            let parts = Layout::default()
                .direction(Direction::Vertical)
                .constraints([Constraint::Length(1), Constraint::Min(1)])
                .split(a.main);
            a.tabs = Some(parts[0]);
            a.list = Some(parts[1]);
        }
        return a;
    }
    // The list takes three parts of what is left to the thread's two: its subject column
    // is what grows, and the thread still holds a readable line.
    let mut constraints = vec![
        Constraint::Length(QUEUES_WIDTH),
        Constraint::Fill(3),
        Constraint::Fill(2),
    ];
    if width >= CUSTOMER_PANE_FROM {
        constraints.push(Constraint::Length(CUSTOMER_WIDTH));
    }
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints(constraints)
        .split(a.main);
    let (mut list, mut thread) = (cols[1], cols[2]);
    if thread.width < THREAD_MIN {
        let give = (THREAD_MIN - thread.width).min(list.width.saturating_sub(20));
        list.width -= give;
        thread.x -= give;
        thread.width += give;
    }
    a.queues = Some(cols[0]);
    a.list = Some(list);
    a.thread = Some(thread);
    a.customer = cols.get(3).copied();
    a
}

/// The first loaded row the list pane shows, `height` rows tall: the selection stays on
/// screen.
pub fn list_start(list: &ListWindow, height: usize) -> usize {
    let rel = list.selected.saturating_sub(list.offset);
    let start = rel
        .saturating_sub(height.saturating_sub(1))
        .min(list.rows.len().saturating_sub(1));
    if rel < start + height {
        start
    } else {
        rel + 1 - height
    }
}

/// The queue tabs of a narrow screen, in order: name and count.
/// The run of tabs a bar shows, `first..end`: always the selected one, with as many of
/// those before it as fit; `‹` and `›` stand for the tabs out of sight on either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabStrip {
    pub first: usize,
    pub end: usize,
}

/// The tabs of `labels` a bar `width` columns wide shows with `selected` in view.
pub fn tab_strip(labels: &[String], selected: usize, width: usize) -> TabStrip {
    let n = labels.len();
    if n == 0 {
        return TabStrip { first: 0, end: 0 };
    }
    let selected = selected.min(n - 1);
    let fits = |first: usize, end: usize| {
        let arrows = usize::from(first > 0) + usize::from(end < n);
        labels[first..end].iter().map(|l| l.width()).sum::<usize>() + arrows <= width
    };
    let mut first = 0;
    while first < selected && !fits(first, selected + 1) {
        first += 1;
    }
    let mut end = selected + 1;
    while end < n && fits(first, end + 1) {
        end += 1;
    }
    TabStrip { first, end }
}

pub fn tab_labels(queues: &[Queue]) -> Vec<String> {
    queues
        .iter()
        .map(|q| {
            format!(
                " {} {} ",
                q.name,
                q.count.map_or("?".into(), |c| c.to_string())
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_strip_keeps_the_selected_queue_in_view() {
        let labels: Vec<String> = ["aaaa", "bbbb", "cccc", "dddd", "eeee"]
            .map(String::from)
            .to_vec();
        // (width, selected, first, end): four columns a tab, one for each arrow shown
        #[rustfmt::skip]
        let cases = [
            (20, 0, 0, 5),  // all fit, no arrows
            (19, 0, 0, 4),  // the last goes behind `›`
            (19, 4, 1, 5),  // the first goes behind `‹`
            (10, 2, 1, 3),  // ‹ bbbb cccc ›
            (10, 0, 0, 2),
            (3, 3, 3, 4),   // not even the selected fits whole: it is shown anyway
            (40, 9, 0, 5),  // a selection past the end is the last tab
        ];
        for (width, selected, first, end) in cases {
            assert_eq!(
                tab_strip(&labels, selected, width),
                TabStrip { first, end },
                "width {width}, selected {selected}"
            );
        }
        assert_eq!(tab_strip(&[], 0, 10), TabStrip { first: 0, end: 0 });
    }

    #[test]
    fn panes_tile_the_main_area_and_the_list_outgrows_the_thread() {
        // (width, list width at least, thread width at least)
        let cases = [(120u16, 50u16, 40u16), (150, 70, 45), (200, 80, 55)];
        for (w, list_min, thread_min) in cases {
            let a = areas(w, 40, false);
            let (q, l, t) = (
                a.queues.unwrap_or_default(),
                a.list.unwrap_or_default(),
                a.thread.unwrap_or_default(),
            );
            assert_eq!(q.x + q.width, l.x, "{w}");
            assert_eq!(l.x + l.width, t.x, "{w}");
            let end = a.customer.map_or(t.x + t.width, |c| c.x + c.width);
            assert_eq!(end, w, "{w}");
            assert!(l.width >= list_min, "{w}: list {}", l.width);
            assert!(t.width >= thread_min, "{w}: thread {}", t.width);
            assert!(l.width > t.width, "{w}");
        }
    }

    #[test]
    fn a_cell_names_the_pane_under_it() {
        let wide = areas(150, 40, false);
        let narrow = areas(80, 24, false);
        let narrow_thread = areas(80, 24, true);
        let cases = [
            (&wide, 2, 3, Some(Pane::Queues)),
            (&wide, 30, 3, Some(Pane::List)),
            (&wide, 149, 3, Some(Pane::Thread)),
            (&wide, 30, 0, None),
            (&wide, 30, 39, None),
            (&narrow, 5, 1, Some(Pane::Queues)),
            (&narrow, 5, 2, Some(Pane::List)),
            (&narrow_thread, 5, 2, Some(Pane::Thread)),
        ];
        for (a, col, row, want) in cases {
            assert_eq!(a.pane_at(col, row), want, "{col},{row}");
        }
    }
}
