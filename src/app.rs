//! The console's state and its one way of changing: `update(&mut App, Event) -> Vec<Effect>`.
//! Pure: no terminal, no database. The runtime (`console`) turns keys into events through
//! the keymap, performs the effects (store reads and writes, the outbox) and feeds their
//! results back as events; the views (`ui::view`) draw from this state alone.

mod action;
pub mod bulk;
mod composing;
mod context;
#[doc(hidden)]
pub mod fixtures;
pub mod layout;
mod marks;
mod mouse;
mod order_pick;
mod palette;
mod report;
pub mod sla;

pub use action::Action;
pub use bulk::{BulkAction, BulkEffect, BulkEvent, BulkPlan, IdsFor, Outcome, PlanRow};
pub use context::Context;
pub use layout::Areas;
pub use marks::Marks;
pub use mouse::{Mouse, MouseKind};
pub use order_pick::TRACKING_TEMPLATE;
pub use palette::{PaletteCommand, parse_command};
pub use report::{ReportData, ReportPeriod, ReportState, report_data};
pub use sla::{SlaCounts, SlaWatch};

use ratatui_textarea::{Input, TextArea};

use crate::domain::outbox::OutboxFailure;
use crate::domain::views::{CustomerInfo, TicketDetail, TicketSummary};
use crate::domain::{Status, TicketId};

/// The fixed queues, then one per tag.
pub fn default_queues() -> Vec<Queue> {
    [
        (QueueKind::Open, "Open", "-status:solved -status:closed"),
        (QueueKind::New, "New", "status:new"),
        (
            QueueKind::Mine,
            "Mine",
            "owner:me -status:solved -status:closed",
        ),
        (
            QueueKind::Unassigned,
            "Unassigned",
            "owner:none -status:solved -status:closed",
        ),
        (QueueKind::Pending, "Pending", "status:pending"),
        (QueueKind::Breaching, "Breaching SLA", "is:breaching"),
        (
            QueueKind::Repeat,
            "Repeat",
            "is:repeat -status:solved -status:closed",
        ),
        (QueueKind::Solved, "Solved", "status:solved"),
        (QueueKind::All, "All", ""),
    ]
    .into_iter()
    .map(|(kind, name, query)| Queue {
        kind,
        name: name.into(),
        query: query.into(),
        count: None,
    })
    .collect()
}

/// Which queue it is, for what the views show differently (a breaching queue with
/// tickets in it is drawn as an alarm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    Open,
    New,
    Mine,
    Unassigned,
    Pending,
    Breaching,
    /// Customers who wrote again soon after a solve (`is:repeat`), still waiting.
    Repeat,
    Solved,
    All,
    /// A saved search (`[[views]]`, `:save NAME`).
    View,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub kind: QueueKind,
    pub name: String,
    pub query: String,
    pub count: Option<usize>,
}

/// The template picker's preview: the rendered text, or why the template cannot be used
/// for this ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preview {
    Rendered(String),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Queues,
    List,
    Thread,
}

impl Pane {
    /// The keys read while this pane has focus.
    pub fn context(self) -> Context {
        match self {
            Pane::Queues => Context::Queues,
            Pane::List => Context::List,
            Pane::Thread => Context::Thread,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Search {
        input: String,
    },
    Palette {
        input: String,
    },
    Help,
    Composer,
    Picker {
        filter: String,
        selected: usize,
    },
    Report,
    /// A bulk action's preview, applied on confirm.
    Confirm(Box<BulkPlan>),
}

/// The visible slice of a ticket list: rows `offset .. offset + rows.len()` of `total`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListWindow {
    pub query: String,
    pub total: usize,
    pub offset: usize,
    pub rows: Vec<TicketSummary>,
    /// Absolute index of the selected ticket.
    pub selected: usize,
}

impl ListWindow {
    pub fn selected_row(&self) -> Option<&TicketSummary> {
        self.selected
            .checked_sub(self.offset)
            .and_then(|i| self.rows.get(i))
    }
}

pub struct Composer {
    pub ticket: TicketId,
    pub area: TextArea<'static>,
    pub template: Option<String>,
    pub status_after: Option<Status>,
}

/// A reply in its undo window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSend {
    pub outbox_id: i64,
    pub ticket: TicketId,
    pub deadline: i64,
}

pub struct App {
    pub now: i64,
    pub agent: String,
    pub title: String,
    pub queues: Vec<Queue>,
    pub queue_selected: usize,
    pub list: ListWindow,
    /// Rows a list page shows (set from the terminal size).
    pub page: usize,
    pub ticket: Option<TicketDetail>,
    pub customer: Option<CustomerInfo>,
    pub thread_scroll: u16,
    pub show_quotes: bool,
    /// A quiet line under each message: why it is on this ticket.
    pub show_placement: bool,
    /// The message picked with `]`/`[` in the thread, for `:split` and `:move`.
    pub message_cursor: Option<usize>,
    pub focus: Pane,
    pub mode: Mode,
    /// A search typed with `/`, applied over the selected queue.
    pub filter: Option<String>,
    pub composer: Option<Composer>,
    pub templates: Vec<String>,
    pub preview: Option<Preview>,
    pub status: Option<(String, bool)>,
    pub outbox: (i64, i64),
    /// The newest failed reply: its ticket and what the mail server said.
    pub outbox_failure: Option<OutboxFailure>,
    pub synced_at: Option<i64>,
    pub pending_send: Option<PendingSend>,
    pub report: ReportState,
    /// No account is configured: an empty list says how to set one up.
    pub no_accounts: bool,
    /// Tickets marked for a bulk action.
    pub marks: Marks,
    /// The service-level counter and bell.
    pub sla: SlaWatch,
    pub quit: bool,
    pub width: u16,
    pub height: u16,
}

/// What happens to the app: actions from keys, typing, and the results of effects.
#[derive(Debug)]
pub enum Event {
    Action(Action),
    /// A character typed into the search line, palette or picker filter.
    Char(char),
    Backspace,
    /// A key for the composer's editor.
    ComposerInput(Input),
    Paste(String),
    /// The composer's text came back from $EDITOR.
    EditorDone(String),
    /// A saved draft for the ticket being answered.
    DraftLoaded(TicketId, String),
    Tick(i64),
    Resize(u16, u16),
    /// Another process (or our own effect) changed the database.
    DataChanged,
    CountsLoaded(Vec<Option<usize>>),
    ListLoaded(ListWindow),
    /// A list load that a newer one replaced before it ran.
    ListSuperseded,
    TicketLoaded(Box<TicketDetail>, Option<CustomerInfo>),
    /// The highlighted ticket, loaded for the thread pane while the list has focus.
    PreviewLoaded(Box<TicketDetail>, Option<CustomerInfo>),
    TemplatesLoaded(Vec<String>),
    Preview(Result<String, String>),
    Queued(PendingSend),
    /// Replies waiting, failed, and the newest failure (its ticket and words).
    Outbox(i64, i64, Option<OutboxFailure>),
    /// When any mailbox was last synced (Unix time), for the status bar.
    Synced(Option<i64>),
    Status(String),
    Error(String),
    /// A click or the wheel (off with `--no-mouse`).
    Mouse(Mouse),
    /// A view was written to the views file: it becomes a queue.
    ViewSaved {
        name: String,
        query: String,
    },
    /// Figures for the report screen.
    ReportLoaded(Box<ReportData>),
    /// The report screen's figures could not be counted: why.
    ReportFailed(String),
    /// Ids for marks, a bulk action's plan, or word that it was applied.
    Bulk(BulkEvent),
    /// The service-level stages at a glance, for the status bar and the bell.
    SlaLoaded(SlaCounts),
}

/// Work for the runner: every effect is I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadCounts(Vec<String>),
    LoadList {
        query: String,
        offset: usize,
        limit: usize,
        selected: usize,
        /// The total when it is already known (same query, scrolling): not counted again.
        total: Option<usize>,
    },
    LoadTicket(TicketId),
    /// The highlighted ticket for the thread pane: loaded off the key path (the loader
    /// thread), and only the newest one matters.
    LoadPreview(TicketId),
    LoadTemplates,
    Preview {
        ticket: TicketId,
        template: String,
    },
    SetStatus(TicketId, Status),
    Assign(TicketId, Option<String>),
    SetPriority(TicketId, crate::domain::Priority),
    Tag(TicketId, Vec<String>, Vec<String>),
    Note(TicketId, String),
    SaveDraft(TicketId, String),
    QueueReply {
        ticket: TicketId,
        body: String,
        template: Option<String>,
        status: Option<Status>,
    },
    CancelSend(i64),
    OpenEditor(String),
    LoadDraft(TicketId),
    /// Writes every attachment of the ticket to the download folder.
    SaveAttachments(TicketId),
    /// The ticket is about this order (by number), by the agent's choice.
    LinkOrder(TicketId, String),
    /// Ticket `from` into `into`.
    Merge {
        from: TicketId,
        into: TicketId,
    },
    /// Message `message` (a row) and the ones after it off `ticket`, into a new ticket.
    Split {
        ticket: TicketId,
        message: i64,
    },
    /// Message `message` to ticket `to`, or to a new one (`None`).
    MoveMessage {
        message: i64,
        to: Option<TicketId>,
    },
    /// The last merge, split or move, taken back.
    UndoCorrection,
    LoadOutbox,
    /// Writes a saved search to the views file.
    SaveView {
        name: String,
        query: String,
    },
    /// The report screen's figures: loaded off the key path (the loader thread), and only
    /// the newest one matters.
    LoadReport {
        period: ReportPeriod,
        dimension: crate::domain::report::Dimension,
    },
    /// Marks' ids, planning and applying bulk actions.
    Bulk(BulkEffect),
    /// The service-level stages, brought up to date (off the key path, the loader thread).
    LoadSla,
    /// Rings the terminal bell: a ticket newly breached.
    Bell,
}

impl App {
    pub fn new(agent: &str, title: &str, now: i64) -> App {
        App {
            now,
            agent: agent.to_string(),
            title: title.to_string(),
            queues: default_queues(),
            queue_selected: 0,
            list: ListWindow::default(),
            page: 20,
            ticket: None,
            customer: None,
            thread_scroll: 0,
            show_quotes: false,
            show_placement: false,
            message_cursor: None,
            focus: Pane::List,
            mode: Mode::Normal,
            filter: None,
            composer: None,
            templates: Vec::new(),
            preview: None,
            status: None,
            outbox: (0, 0),
            outbox_failure: None,
            synced_at: None,
            pending_send: None,
            report: ReportState::default(),
            no_accounts: false,
            marks: Marks::default(),
            sla: SlaWatch::default(),
            quit: false,
            width: 100,
            height: 30,
        }
    }

    /// Adds saved searches as queues after the built-in ones, in the order given.
    pub fn add_views<'a>(&mut self, views: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (name, query) in views {
            self.queues.push(Queue {
                kind: QueueKind::View,
                name: name.to_string(),
                query: query.to_string(),
                count: None,
            });
        }
    }

    /// Effects that load everything the screen shows.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::LoadTemplates, Effect::LoadOutbox];
        fx.extend(self.reload());
        fx
    }

    /// The query of the list: the queue's, and the search on top.
    pub fn list_query(&self) -> String {
        let base = self
            .queues
            .get(self.queue_selected)
            .map(|q| q.query.clone())
            .unwrap_or_default();
        match &self.filter {
            Some(f) if !f.trim().is_empty() => format!("{base} {f}").trim().to_string(),
            _ => base,
        }
    }

    /// Whether the layout shows one pane at a time (narrow terminals).
    pub fn narrow(&self) -> bool {
        self.width < layout::NARROW_BELOW
    }

    /// Where the panes are on the screen now.
    pub fn areas(&self) -> Areas {
        layout::areas(self.width, self.height, self.focus == Pane::Thread)
    }

    /// Loads the highlighted ticket into the thread pane when the pane is on screen beside
    /// the list and shows another ticket.
    fn preview(&self) -> Option<Effect> {
        if self.narrow() || self.focus != Pane::List {
            return None;
        }
        let id = self.list.selected_row()?.id;
        let shown = self.ticket.as_ref().map(|t| t.ticket.id);
        (shown != Some(id)).then_some(Effect::LoadPreview(id))
    }

    pub fn context(&self) -> Context {
        match &self.mode {
            Mode::Search { .. } => Context::Search,
            Mode::Palette { .. } => Context::Palette,
            Mode::Help => Context::Help,
            Mode::Composer => Context::Composer,
            Mode::Picker { .. } => Context::Picker,
            Mode::Report => Context::Report,
            Mode::Confirm(_) => Context::Confirm,
            Mode::Normal => self.focus.context(),
        }
    }

    fn reload(&mut self) -> Vec<Effect> {
        let mut list = self.load_list(self.list.selected);
        if let Effect::LoadList { total, .. } = &mut list {
            *total = None;
        }
        vec![
            self.load_sla(),
            Effect::LoadCounts(self.queues.iter().map(|q| q.query.clone()).collect()),
            list,
        ]
    }

    fn load_list(&self, selected: usize) -> Effect {
        // A window around the selection, a page either side, so scrolling rarely waits.
        let offset = selected.saturating_sub(self.page);
        let query = self.list_query();
        let total = (query == self.list.query && self.list.total > 0).then_some(self.list.total);
        Effect::LoadList {
            query,
            offset,
            limit: self.page * 3,
            selected,
            total,
        }
    }

    fn select(&mut self, index: usize) -> Vec<Effect> {
        let max = self.list.total.saturating_sub(1);
        let index = index.min(max);
        self.list.selected = index;
        let mut fx = Vec::new();
        let in_window =
            index >= self.list.offset && index < self.list.offset + self.list.rows.len();
        if !in_window && self.list.total > 0 {
            fx.push(self.load_list(index));
        }
        fx
    }

    fn selected_ticket(&self) -> Option<TicketId> {
        match self.focus {
            Pane::Thread => self.ticket.as_ref().map(|t| t.ticket.id),
            _ => self.list.selected_row().map(|t| t.id),
        }
        .or_else(|| self.ticket.as_ref().map(|t| t.ticket.id))
    }

    /// The message picked in the open thread (its row).
    fn selected_message(&self) -> Option<i64> {
        let t = self.ticket.as_ref()?;
        t.messages.get(self.message_cursor?).map(|m| m.id)
    }

    fn set_status_message(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some((text.into(), error));
    }
}

mod update;
pub use composing::filtered_templates;
pub use update::update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bulk;
#[cfg(test)]
mod tests_habits;
#[cfg(test)]
mod tests_report;
#[cfg(test)]
mod tests_sla;
