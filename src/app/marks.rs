//! Marked tickets, for actions on many at once: toggled one by one, a visual range (`V`,
//! then movement), or the whole list. Marks are ticket ids, so they survive the list
//! loading other windows or reloading; ids that leave the list are dropped.

use std::collections::{BTreeMap, BTreeSet};

use super::ListWindow;
use crate::domain::TicketId;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    ids: BTreeSet<TicketId>,
    visual: Option<Visual>,
}

/// A visual range in progress: where it started (a list index), the marks from before it,
/// and the ids of the rows it covers so far, by index.
#[derive(Debug, Clone, PartialEq)]
struct Visual {
    /// The list it ranges over: positions mean nothing in another.
    query: String,
    anchor: usize,
    base: BTreeSet<TicketId>,
    covered: BTreeMap<usize, TicketId>,
}

impl Marks {
    pub fn contains(&self, id: TicketId) -> bool {
        self.ids.contains(&id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The marked ids, lowest first.
    pub fn ids(&self) -> Vec<TicketId> {
        self.ids.iter().copied().collect()
    }

    pub fn toggle(&mut self, id: TicketId) {
        if !self.ids.remove(&id) {
            self.ids.insert(id);
        }
        if let Some(v) = &mut self.visual {
            v.base = self.ids.clone();
            v.covered.clear();
        }
    }

    /// Adds ids (the whole list's, or a range's as they load).
    pub fn add(&mut self, ids: impl IntoIterator<Item = TicketId>) {
        self.ids.extend(ids);
    }

    pub fn clear(&mut self) {
        self.ids.clear();
        self.visual = None;
    }

    /// Keeps the marks on tickets still in the list (`ids`: all of the list's).
    pub fn retain_in(&mut self, ids: &BTreeSet<TicketId>) {
        self.ids.retain(|id| ids.contains(id));
        if let Some(v) = &mut self.visual {
            v.base.retain(|id| ids.contains(id));
            v.covered.retain(|_, id| ids.contains(id));
        }
    }

    pub fn visual(&self) -> bool {
        self.visual.is_some()
    }

    /// The range from `anchor` (a list index) to `selected`, when a visual range is on.
    pub fn range(&self, selected: usize) -> Option<(usize, usize)> {
        let a = self.visual.as_ref()?.anchor;
        Some((a.min(selected), a.max(selected)))
    }

    /// Starts a visual range at the selection, marking it.
    pub fn start_visual(&mut self, list: &ListWindow) {
        self.visual = Some(Visual {
            query: list.query.clone(),
            anchor: list.selected,
            base: self.ids.clone(),
            covered: BTreeMap::new(),
        });
        self.follow(list);
    }

    /// Ends the visual range; what it covered stays marked.
    pub fn end_visual(&mut self) {
        self.visual = None;
    }

    /// Ends the range when `list` is another list than the one it was drawn over (another
    /// queue or search), so its positions never mark the tickets that now stand there.
    pub fn end_visual_off(&mut self, list: &ListWindow) {
        if self.visual.as_ref().is_some_and(|v| v.query != list.query) {
            self.visual = None;
        }
    }

    /// The range follows the selection: loaded rows inside it are marked, rows it left
    /// fall back to how they were before it.
    pub fn follow(&mut self, list: &ListWindow) {
        let Some((lo, hi)) = self.range(list.selected) else {
            return;
        };
        let Some(v) = &mut self.visual else {
            return;
        };
        v.covered.retain(|i, _| (lo..=hi).contains(i));
        for (i, row) in list.rows.iter().enumerate() {
            let index = list.offset + i;
            if (lo..=hi).contains(&index) {
                v.covered.insert(index, row.id);
            }
        }
        self.ids = v.base.clone();
        self.ids.extend(v.covered.values().copied());
    }

    /// Ids of the range's rows loaded apart from the list (a jump past the loaded window),
    /// `offset` being the index of the first.
    pub fn cover(&mut self, selected: usize, offset: usize, ids: &[TicketId]) {
        let Some((lo, hi)) = self.range(selected) else {
            return;
        };
        let Some(v) = &mut self.visual else {
            return;
        };
        for (i, id) in ids.iter().enumerate() {
            if (lo..=hi).contains(&(offset + i)) {
                v.covered.insert(offset + i, *id);
                self.ids.insert(*id);
            }
        }
    }

    /// Whether the range reaches rows the list has not loaded.
    pub fn range_outside(&self, list: &ListWindow) -> Option<(usize, usize)> {
        let (lo, hi) = self.range(list.selected)?;
        let loaded = list.offset..list.offset + list.rows.len();
        (!(loaded.contains(&lo) && loaded.contains(&hi))).then_some((lo, hi))
    }
}
