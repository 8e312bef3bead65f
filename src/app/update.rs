//! `update`: every way the console's state changes, one event at a time.

use ratatui_textarea::TextArea;

use super::composing::{on_composer, on_picker, preview_selected, start_reply};
use super::*;
use crate::domain::Status;

/// The single place state changes.
pub fn update(app: &mut App, event: Event) -> Vec<Effect> {
    match event {
        Event::Action(a) => on_action(app, a),
        Event::Char(c) => on_char(app, c),
        Event::Backspace => on_backspace(app),
        Event::ComposerInput(input) => {
            if let Some(c) = app.composer.as_mut() {
                c.area.input(input);
                return vec![Effect::SaveDraft(c.ticket, c.area.lines().join("\n"))];
            }
            Vec::new()
        }
        Event::Paste(text) => match (&mut app.mode, app.composer.as_mut()) {
            (Mode::Composer, Some(c)) => {
                c.area.insert_str(&text);
                vec![Effect::SaveDraft(c.ticket, c.area.lines().join("\n"))]
            }
            (Mode::Search { input }, _) | (Mode::Palette { input }, _) => {
                input.push_str(&text.replace(['\n', '\r'], " "));
                Vec::new()
            }
            _ => Vec::new(),
        },
        Event::DraftLoaded(ticket, text) => {
            if let Some(c) = app.composer.as_mut()
                && c.ticket == ticket
                && c.area.is_empty()
                && !text.trim().is_empty()
            {
                c.area = TextArea::from(text.lines().map(str::to_string).collect::<Vec<_>>());
                app.status = Some(("draft restored".into(), false));
                // The draft, not the offered template, is what the agent was writing.
                if matches!(app.mode, Mode::Picker { .. }) {
                    app.mode = Mode::Composer;
                    app.preview = None;
                }
            }
            Vec::new()
        }
        Event::EditorDone(text) => {
            if let Some(c) = app.composer.as_mut() {
                c.area = TextArea::from(text.lines().map(str::to_string).collect::<Vec<_>>());
                return vec![Effect::SaveDraft(c.ticket, text)];
            }
            Vec::new()
        }
        Event::Tick(now) => {
            app.now = now;
            let mut fx: Vec<Effect> = super::sla::on_tick(app).into_iter().collect();
            if let Some(p) = app.pending_send
                && now >= p.deadline
            {
                app.pending_send = None;
                fx.push(Effect::LoadOutbox);
            }
            fx
        }
        Event::SlaLoaded(counts) => super::sla::on_loaded(app, counts),
        Event::Resize(w, h) => {
            app.width = w;
            app.height = h;
            app.page = usize::from(h.saturating_sub(6)).max(5);
            vec![app.load_list(app.list.selected)]
        }
        Event::DataChanged => {
            // new mail or a colleague's change moves tickets: a range by position ends,
            // what it marked stays marked (by ticket)
            app.marks.end_visual();
            let mut fx = app.reload();
            if let Some(t) = &app.ticket {
                fx.push(Effect::LoadTicket(t.ticket.id));
            }
            fx.push(Effect::LoadOutbox);
            fx.extend(super::report::reload(app));
            fx
        }
        Event::CountsLoaded(counts) => {
            for (q, c) in app.queues.iter_mut().zip(counts) {
                q.count = c;
            }
            Vec::new()
        }
        Event::ListSuperseded => Vec::new(),
        Event::ListLoaded(window) => {
            // Results of an older query are dropped.
            if window.query != app.list_query() {
                return Vec::new();
            }
            let selected = window.selected.min(window.total.saturating_sub(1));
            app.list = ListWindow { selected, ..window };
            let mut fx: Vec<Effect> = app.preview().into_iter().collect();
            fx.extend(super::bulk::on_list_loaded(app));
            fx
        }
        Event::PreviewLoaded(detail, customer) => {
            // The selection has moved on, or a ticket was opened meanwhile: not shown.
            let highlighted = app.list.selected_row().map(|t| t.id);
            if app.focus == Pane::Thread || highlighted != Some(detail.ticket.id) {
                return Vec::new();
            }
            update(app, Event::TicketLoaded(detail, customer))
        }
        Event::TicketLoaded(detail, customer) => {
            let same = app
                .ticket
                .as_ref()
                .is_some_and(|t| t.ticket.id == detail.ticket.id);
            if !same {
                app.thread_scroll = 0;
                app.message_cursor = None;
            }
            app.message_cursor = app
                .message_cursor
                .map(|i| i.min(detail.messages.len().saturating_sub(1)));
            app.ticket = Some(*detail);
            app.customer = customer;
            Vec::new()
        }
        Event::TemplatesLoaded(names) => {
            app.templates = names;
            Vec::new()
        }
        Event::Preview(r) => {
            app.preview = Some(match r {
                Ok(text) => Preview::Rendered(text),
                Err(e) => Preview::Failed(e),
            });
            Vec::new()
        }
        Event::Queued(p) => {
            app.pending_send = Some(p);
            app.set_status_message(
                format!(
                    "Reply to #{} queued; u undoes it for {}s",
                    p.ticket,
                    (p.deadline - app.now).max(0)
                ),
                false,
            );
            vec![Effect::LoadOutbox]
        }
        Event::Outbox(queued, failed, failure) => {
            app.outbox = (queued, failed);
            app.outbox_failure = failure.filter(|_| failed > 0);
            Vec::new()
        }
        Event::Synced(at) => {
            app.synced_at = at;
            Vec::new()
        }
        Event::Status(s) => {
            app.set_status_message(s, false);
            Vec::new()
        }
        Event::Error(e) => {
            app.set_status_message(e, true);
            Vec::new()
        }
        Event::Mouse(m) => super::mouse::on_mouse(app, m),
        Event::ReportLoaded(data) => {
            super::report::loaded(app, *data);
            Vec::new()
        }
        Event::ReportFailed(e) => {
            app.set_status_message(e, true);
            // the figures being counted are not coming: the screen stops saying so
            app.report.loading = false;
            Vec::new()
        }
        Event::Bulk(ev) => super::bulk::on_event(app, ev),
        Event::ViewSaved { name, query } => {
            app.set_status_message(format!("saved the view '{name}'"), false);
            app.add_views([(name.as_str(), query.as_str())]);
            vec![Effect::LoadCounts(
                app.queues.iter().map(|q| q.query.clone()).collect(),
            )]
        }
    }
}

fn on_action(app: &mut App, a: Action) -> Vec<Effect> {
    match (&app.mode, a) {
        (_, Action::Quit) if !matches!(app.mode, Mode::Composer | Mode::Confirm(_)) => {
            app.quit = true;
            Vec::new()
        }
        (Mode::Help, Action::Back | Action::Help) => {
            app.mode = Mode::Normal;
            Vec::new()
        }
        (Mode::Search { .. }, Action::Back) => {
            app.mode = Mode::Normal;
            app.filter = None;
            app.list.selected = 0;
            app.reload()
        }
        (Mode::Search { .. }, Action::Open) => {
            app.mode = Mode::Normal;
            app.focus = Pane::List;
            Vec::new()
        }
        (Mode::Palette { input }, Action::Open) => {
            let input = input.clone();
            app.mode = Mode::Normal;
            run_command(app, &input)
        }
        (Mode::Palette { .. }, Action::Back) => {
            app.mode = Mode::Normal;
            Vec::new()
        }
        (Mode::Picker { .. }, _) => on_picker(app, a),
        (Mode::Report, _) => super::report::on_report(app, a),
        (Mode::Composer, _) => on_composer(app, a),
        (Mode::Confirm(_), _) => super::bulk::on_confirm(app, a),
        (Mode::Normal, _)
        | (Mode::Help, _)
        | (Mode::Search { .. }, _)
        | (Mode::Palette { .. }, _) => on_normal(app, a),
    }
}

fn on_normal(app: &mut App, a: Action) -> Vec<Effect> {
    if let Some(fx) = super::bulk::on_key(app, a) {
        return fx;
    }
    match a {
        Action::Help => {
            app.mode = Mode::Help;
            Vec::new()
        }
        Action::Search => {
            app.mode = Mode::Search {
                input: app.filter.clone().unwrap_or_default(),
            };
            Vec::new()
        }
        Action::Palette => {
            app.mode = Mode::Palette {
                input: String::new(),
            };
            Vec::new()
        }
        Action::NextPane | Action::PrevPane => {
            let order = [Pane::Queues, Pane::List, Pane::Thread];
            let i = order.iter().position(|p| *p == app.focus).unwrap_or(1);
            let next = if a == Action::NextPane {
                (i + 1) % 3
            } else {
                (i + 2) % 3
            };
            app.focus = order[next];
            if app.focus == Pane::Thread && app.ticket.is_none() {
                return open_selected(app);
            }
            Vec::new()
        }
        Action::Refresh => {
            let mut fx = app.reload();
            fx.push(Effect::LoadOutbox);
            fx
        }
        Action::UndoSend => match app.pending_send.take() {
            Some(p) => vec![Effect::CancelSend(p.outbox_id)],
            None => {
                app.set_status_message("nothing to undo", false);
                Vec::new()
            }
        },
        Action::Reply => start_reply(app),
        Action::NextOrder => super::order_pick::next_order(app),
        Action::PromptMerge | Action::PromptMove => {
            let verb = if a == Action::PromptMerge {
                "merge "
            } else {
                "move "
            };
            app.mode = Mode::Palette {
                input: verb.to_string(),
            };
            Vec::new()
        }
        Action::UndoCorrection => vec![Effect::UndoCorrection],
        Action::Report => super::report::open(app),
        Action::AssignMe => match app.selected_ticket() {
            Some(t) => vec![Effect::Assign(t, Some(app.agent.clone()))],
            None => Vec::new(),
        },
        Action::StatusPending | Action::StatusSolved => match app.selected_ticket() {
            Some(t) => {
                let s = if a == Action::StatusPending {
                    Status::Pending
                } else {
                    Status::Solved
                };
                vec![Effect::SetStatus(t, s)]
            }
            None => Vec::new(),
        },
        _ => match app.focus {
            Pane::Queues => on_queues(app, a),
            Pane::List => on_list(app, a),
            Pane::Thread => on_thread(app, a),
        },
    }
}

fn on_queues(app: &mut App, a: Action) -> Vec<Effect> {
    let n = app.queues.len();
    let before = app.queue_selected;
    match a {
        Action::Down => app.queue_selected = (app.queue_selected + 1).min(n.saturating_sub(1)),
        Action::Up => app.queue_selected = app.queue_selected.saturating_sub(1),
        Action::Top => app.queue_selected = 0,
        Action::Bottom => app.queue_selected = n.saturating_sub(1),
        Action::Open => {
            app.focus = Pane::List;
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    if before != app.queue_selected {
        app.list = ListWindow {
            query: app.list_query(),
            ..ListWindow::default()
        };
        return vec![app.load_list(0)];
    }
    Vec::new()
}

fn on_list(app: &mut App, a: Action) -> Vec<Effect> {
    let mut fx = on_list_key(app, a);
    fx.extend(super::bulk::after_move(app));
    fx.extend(app.preview());
    fx
}

fn on_list_key(app: &mut App, a: Action) -> Vec<Effect> {
    let sel = app.list.selected;
    match a {
        Action::Down => app.select(sel + 1),
        Action::Up => app.select(sel.saturating_sub(1)),
        Action::Top => app.select(0),
        Action::Bottom => app.select(app.list.total.saturating_sub(1)),
        Action::PageDown => app.select(sel + app.page),
        Action::PageUp => app.select(sel.saturating_sub(app.page)),
        Action::Open => open_selected(app),
        // with no marks to clear, Esc goes back like h and Left
        Action::Back | Action::ClearMarks => {
            app.focus = Pane::Queues;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub(super) fn open_selected(app: &mut App) -> Vec<Effect> {
    match app.list.selected_row() {
        Some(t) => {
            let id = t.id;
            app.focus = Pane::Thread;
            vec![Effect::LoadTicket(id)]
        }
        None => Vec::new(),
    }
}

fn on_thread(app: &mut App, a: Action) -> Vec<Effect> {
    let page = app.page as u16;
    match a {
        Action::Down => app.thread_scroll = app.thread_scroll.saturating_add(1),
        Action::Up => app.thread_scroll = app.thread_scroll.saturating_sub(1),
        Action::PageDown => app.thread_scroll = app.thread_scroll.saturating_add(page),
        Action::PageUp => app.thread_scroll = app.thread_scroll.saturating_sub(page),
        Action::Top => app.thread_scroll = 0,
        Action::Bottom => app.thread_scroll = u16::MAX / 2,
        Action::ToggleQuotes => app.show_quotes = !app.show_quotes,
        Action::TogglePlacement => app.show_placement = !app.show_placement,
        Action::NextMessage | Action::PrevMessage => {
            let n = app.ticket.as_ref().map_or(0, |t| t.messages.len());
            app.message_cursor = match (app.message_cursor, a == Action::NextMessage) {
                _ if n == 0 => None,
                (None, true) => Some(0),
                (None, false) => Some(n - 1),
                (Some(i), true) => Some((i + 1).min(n - 1)),
                (Some(i), false) => Some(i.saturating_sub(1)),
            };
        }
        Action::SplitHere => return split_at(app, None),
        Action::SaveAttachments => {
            if let Some(t) = &app.ticket {
                return vec![Effect::SaveAttachments(t.ticket.id)];
            }
        }
        Action::Back => app.focus = Pane::List,
        _ => {}
    }
    Vec::new()
}

fn on_char(app: &mut App, ch: char) -> Vec<Effect> {
    match &mut app.mode {
        Mode::Search { input } => {
            input.push(ch);
            let input = input.clone();
            live_search(app, input)
        }
        Mode::Palette { input } => {
            input.push(ch);
            Vec::new()
        }
        Mode::Picker { filter, selected } => {
            filter.push(ch);
            *selected = 0;
            preview_selected(app)
        }
        _ => Vec::new(),
    }
}

fn on_backspace(app: &mut App) -> Vec<Effect> {
    match &mut app.mode {
        Mode::Search { input } => {
            input.pop();
            let input = input.clone();
            live_search(app, input)
        }
        Mode::Palette { input } => {
            input.pop();
            Vec::new()
        }
        Mode::Picker { filter, selected } => {
            filter.pop();
            *selected = 0;
            preview_selected(app)
        }
        _ => Vec::new(),
    }
}

fn live_search(app: &mut App, input: String) -> Vec<Effect> {
    if let Err(e) = crate::domain::query::parse_query(&input) {
        app.set_status_message(format!("{e}"), true);
        return Vec::new();
    }
    app.status = None;
    app.filter = Some(input);
    app.list.selected = 0;
    vec![app.load_list(0)]
}

fn run_command(app: &mut App, input: &str) -> Vec<Effect> {
    let cmd = match parse_command(input, &app.agent) {
        Ok(c) => c,
        Err(e) => {
            app.set_status_message(e, true);
            return Vec::new();
        }
    };
    if let PaletteCommand::Quit = cmd {
        app.quit = true;
        return Vec::new();
    }
    if let Some(fx) = super::bulk::command(app, &cmd) {
        return fx;
    }
    if let PaletteCommand::Reply(None) = cmd {
        return start_reply(app);
    }
    if let PaletteCommand::Undo = cmd {
        return vec![Effect::UndoCorrection];
    }
    if let PaletteCommand::Save(name) = cmd {
        return save_view(app, name);
    }
    if let PaletteCommand::Report = cmd {
        return super::report::open(app);
    }
    let Some(t) = app.selected_ticket() else {
        app.set_status_message("no ticket selected", true);
        return Vec::new();
    };
    match cmd {
        PaletteCommand::Status(s) => vec![Effect::SetStatus(t, s)],
        PaletteCommand::Assign(a) => vec![Effect::Assign(t, a)],
        PaletteCommand::Priority(p) => vec![Effect::SetPriority(t, p)],
        PaletteCommand::Tag(add, remove) => vec![Effect::Tag(t, add, remove)],
        PaletteCommand::Note(text) => vec![Effect::Note(t, text)],
        PaletteCommand::Merge(into) => vec![Effect::Merge { from: t, into }],
        PaletteCommand::Split(message) => split_at(app, message),
        PaletteCommand::Move(message, to) => match message.or_else(|| app.selected_message()) {
            Some(message) => vec![Effect::MoveMessage { message, to }],
            None => no_message_picked(app, ":move MSG TICKET"),
        },
        PaletteCommand::Quit
        | PaletteCommand::Reply(_)
        | PaletteCommand::Undo
        | PaletteCommand::Save(_)
        | PaletteCommand::Report
        | PaletteCommand::MergeMarked
        | PaletteCommand::MarkAll
        | PaletteCommand::Unmark => Vec::new(),
    }
}

/// Splits the open ticket at `message`, or at the message picked with `]`/`[`.
fn split_at(app: &mut App, message: Option<i64>) -> Vec<Effect> {
    let ticket = app.ticket.as_ref().map(|t| t.ticket.id);
    match (ticket, message.or_else(|| app.selected_message())) {
        (Some(ticket), Some(message)) => vec![Effect::Split { ticket, message }],
        (None, _) => {
            app.set_status_message("open a ticket first", true);
            Vec::new()
        }
        (Some(_), None) => no_message_picked(app, ":split MSG"),
    }
}

fn no_message_picked(app: &mut App, typed: &str) -> Vec<Effect> {
    app.set_status_message(
        format!("pick a message first (] and [ in the thread), or type {typed}"),
        true,
    );
    Vec::new()
}

/// `:save NAME`: the list's query (the queue's and the search on top) becomes a view.
fn save_view(app: &mut App, name: String) -> Vec<Effect> {
    if app.filter.as_deref().is_none_or(|f| f.trim().is_empty()) {
        app.set_status_message("search first (/), then :save NAME keeps it as a view", true);
        return Vec::new();
    }
    if app.queues.iter().any(|q| q.name == name) {
        app.set_status_message(format!("a queue named '{name}' exists already"), true);
        return Vec::new();
    }
    vec![Effect::SaveView {
        name,
        query: app.list_query(),
    }]
}
