//! Actions on many tickets: the marked ones, or the highlighted one when none are marked.
//! Every bulk action is planned first (the runner works out what would happen to each
//! ticket and why some are skipped), shown as a preview, and applied only on confirm.
//! Marking itself (`space`, a visual range with `V`, `*` for the whole list) is here too.

use super::*;

/// What is done to every ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    Status(Status),
    /// A new owner, or none.
    Assign(Option<String>),
    Priority(crate::domain::Priority),
    /// Tags added, tags removed.
    Tag(Vec<String>, Vec<String>),
    /// Every ticket into this one.
    Merge(TicketId),
    /// The named template, once per customer message.
    Reply(String),
}

impl BulkAction {
    /// "Reply `sizing` to 12 tickets", "Set 3 of 4 tickets to solved", ... with `tickets`
    /// the count's words.
    fn sentence(&self, tickets: &str) -> String {
        match self {
            BulkAction::Status(s) => format!("Set {tickets} to {}", s.as_str()),
            BulkAction::Assign(Some(who)) => format!("Assign {tickets} to {who}"),
            BulkAction::Assign(None) => format!("Unassign {tickets}"),
            BulkAction::Priority(p) => format!("Set the priority of {tickets} to {p}"),
            BulkAction::Tag(add, remove) => {
                let words: Vec<String> = add
                    .iter()
                    .map(|t| format!("+{t}"))
                    .chain(remove.iter().map(|t| format!("-{t}")))
                    .collect();
                format!("Tag {tickets} {}", words.join(" "))
            }
            BulkAction::Merge(into) => format!("Merge {tickets} into #{into}"),
            BulkAction::Reply(t) => format!("Reply `{t}` to {tickets}"),
        }
    }
}

/// What happens to one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It changes, e.g. "open → solved", "to anna@example.com".
    Apply(String),
    /// It is left alone, and why (the reason names a group in the summary).
    Skip(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub ticket: TicketId,
    /// Who and what: "Anna Berg · Where is my order?".
    pub title: String,
    pub outcome: Outcome,
}

/// A planned bulk action, shown before it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkPlan {
    pub action: BulkAction,
    pub rows: Vec<PlanRow>,
    /// The first row the preview shows.
    pub scroll: usize,
}

impl BulkPlan {
    /// The tickets the action changes.
    pub fn to_apply(&self) -> Vec<TicketId> {
        self.rows
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Apply(_)))
            .map(|r| r.ticket)
            .collect()
    }

    /// One line: "Reply `sizing` to 9 of 12 tickets: 2 skipped (already sent this
    /// template), 1 skipped (no customer address)". Groups in order of first appearance.
    pub fn headline(&self) -> String {
        let (apply, total) = (self.to_apply().len(), self.rows.len());
        let noun = if total == 1 { "ticket" } else { "tickets" };
        let count = if apply == total {
            format!("{total} {noun}")
        } else {
            format!("{apply} of {total} {noun}")
        };
        let mut groups: Vec<(&str, usize)> = Vec::new();
        for r in &self.rows {
            if let Outcome::Skip(why) = &r.outcome {
                match groups.iter_mut().find(|(g, _)| *g == why.as_str()) {
                    Some((_, n)) => *n += 1,
                    None => groups.push((why, 1)),
                }
            }
        }
        let head = self.action.sentence(&count);
        if groups.is_empty() {
            return head;
        }
        let skips: Vec<String> = groups
            .iter()
            .map(|(g, n)| format!("{n} skipped ({g})"))
            .collect();
        format!("{head}: {}", skips.join(", "))
    }
}

/// Why ids are loaded apart from the list's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdsFor {
    /// `*`: mark the whole list.
    MarkAll,
    /// After a reload: keep only the marks still in the list.
    Prune,
    /// A visual range reaching past the loaded rows.
    Range,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BulkEffect {
    /// The ids of the list `query`, rows `offset .. offset + limit`, in list order.
    LoadIds {
        query: String,
        offset: usize,
        limit: usize,
        purpose: IdsFor,
    },
    /// Works out what `action` would do to each ticket; nothing is written.
    Plan {
        action: BulkAction,
        tickets: Vec<TicketId>,
    },
    /// Does it, all tickets in one go.
    Apply {
        action: BulkAction,
        tickets: Vec<TicketId>,
    },
}

#[derive(Debug)]
pub enum BulkEvent {
    Ids {
        query: String,
        offset: usize,
        purpose: IdsFor,
        ids: Vec<TicketId>,
    },
    Planned(BulkPlan),
    /// Applied: what was done, in words.
    Applied(String),
}

/// The tickets an action is for: the marked ones, else the highlighted one.
fn targets(app: &App) -> Vec<TicketId> {
    if !app.marks.is_empty() {
        return app.marks.ids();
    }
    app.selected_ticket().into_iter().collect()
}

/// Plans `action` for the marked tickets (or the highlighted one).
pub(super) fn plan(app: &mut App, action: BulkAction) -> Vec<Effect> {
    let mut tickets = targets(app);
    if let BulkAction::Merge(into) = &action {
        tickets.retain(|t| t != into);
        if tickets.is_empty() {
            app.set_status_message(format!("mark the tickets to merge into #{into}"), true);
            return Vec::new();
        }
    }
    if tickets.is_empty() {
        app.set_status_message("no ticket selected", true);
        return Vec::new();
    }
    vec![Effect::Bulk(BulkEffect::Plan { action, tickets })]
}

/// `:merge` with marks and no number: every marked ticket into the highlighted one (the
/// last marked when nothing is highlighted).
pub(super) fn merge_marked(app: &mut App) -> Vec<Effect> {
    let into = app
        .list
        .selected_row()
        .map(|t| t.id)
        .or_else(|| app.marks.ids().last().copied());
    match into {
        Some(into) if !app.marks.is_empty() => plan(app, BulkAction::Merge(into)),
        _ => {
            app.set_status_message(
                "merge into which ticket? e.g. :merge 12, or mark tickets and :merge",
                true,
            );
            Vec::new()
        }
    }
}

/// Palette commands about marks, and the verbs that act on marked tickets. `None`: the
/// command is for the highlighted ticket alone.
pub(super) fn command(app: &mut App, cmd: &PaletteCommand) -> Option<Vec<Effect>> {
    let marked = !app.marks.is_empty();
    let fx = match cmd {
        PaletteCommand::MarkAll => mark_all(app),
        PaletteCommand::Unmark => {
            app.marks.clear();
            Vec::new()
        }
        PaletteCommand::MergeMarked => merge_marked(app),
        PaletteCommand::Reply(Some(template)) => plan(app, BulkAction::Reply(template.clone())),
        PaletteCommand::Reply(None) if marked => {
            app.set_status_message(
                format!(
                    "a reply to {} marked tickets needs a template: :reply NAME",
                    app.marks.len()
                ),
                true,
            );
            Vec::new()
        }
        PaletteCommand::Status(s) if marked => plan(app, BulkAction::Status(*s)),
        PaletteCommand::Assign(who) if marked => plan(app, BulkAction::Assign(who.clone())),
        PaletteCommand::Priority(p) if marked => plan(app, BulkAction::Priority(*p)),
        PaletteCommand::Tag(add, remove) if marked => {
            plan(app, BulkAction::Tag(add.clone(), remove.clone()))
        }
        PaletteCommand::Merge(into) if marked => plan(app, BulkAction::Merge(*into)),
        _ => return None,
    };
    Some(fx)
}

/// Keys for marking and, with marks, the list's one-key verbs as bulk actions. `None`:
/// not a bulk key here.
pub(super) fn on_key(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    if app.focus != Pane::List {
        return None;
    }
    let fx = match a {
        Action::ToggleMark => {
            let id = app.list.selected_row()?.id;
            app.marks.toggle(id);
            let mut fx = app.select(app.list.selected + 1);
            fx.extend(app.preview());
            fx
        }
        Action::VisualMark => {
            if app.marks.visual() {
                app.marks.end_visual();
            } else {
                app.marks.start_visual(&app.list);
            }
            Vec::new()
        }
        Action::MarkAll => mark_all(app),
        Action::ClearMarks if app.marks.visual() => {
            app.marks.end_visual();
            Vec::new()
        }
        Action::ClearMarks if !app.marks.is_empty() => {
            app.marks.clear();
            Vec::new()
        }
        Action::StatusPending if !app.marks.is_empty() => {
            plan(app, BulkAction::Status(Status::Pending))
        }
        Action::StatusSolved if !app.marks.is_empty() => {
            plan(app, BulkAction::Status(Status::Solved))
        }
        Action::AssignMe if !app.marks.is_empty() => {
            let me = app.agent.clone();
            plan(app, BulkAction::Assign(Some(me)))
        }
        _ => return None,
    };
    Some(fx)
}

/// Marks every ticket of the list: at once when all its rows are loaded, else by ids.
pub(super) fn mark_all(app: &mut App) -> Vec<Effect> {
    if app.list.offset == 0 && app.list.rows.len() >= app.list.total {
        let ids: Vec<TicketId> = app.list.rows.iter().map(|t| t.id).collect();
        app.marks.add(ids);
        return Vec::new();
    }
    vec![load_ids(app, 0, app.list.total, IdsFor::MarkAll)]
}

fn load_ids(app: &App, offset: usize, limit: usize, purpose: IdsFor) -> Effect {
    Effect::Bulk(BulkEffect::LoadIds {
        query: app.list_query(),
        offset,
        limit,
        purpose,
    })
}

/// After the selection moved: a visual range follows it.
pub(super) fn after_move(app: &mut App) -> Vec<Effect> {
    if !app.marks.visual() {
        return Vec::new();
    }
    app.marks.follow(&app.list);
    match app.marks.range_outside(&app.list) {
        Some((lo, hi)) => vec![load_ids(app, lo, hi + 1 - lo, IdsFor::Range)],
        None => Vec::new(),
    }
}

/// A list window arrived: the range covers its rows, and marks on tickets that left the
/// list are dropped (checked against all the list's ids when only a window is loaded).
pub(super) fn on_list_loaded(app: &mut App) -> Vec<Effect> {
    app.marks.end_visual_off(&app.list);
    if app.marks.is_empty() {
        return Vec::new();
    }
    app.marks.follow(&app.list);
    if app.list.offset == 0 && app.list.rows.len() >= app.list.total {
        let ids = app.list.rows.iter().map(|t| t.id).collect();
        app.marks.retain_in(&ids);
        return Vec::new();
    }
    vec![load_ids(app, 0, app.list.total, IdsFor::Prune)]
}

pub(super) fn on_event(app: &mut App, ev: BulkEvent) -> Vec<Effect> {
    match ev {
        BulkEvent::Ids {
            query,
            offset,
            purpose,
            ids,
        } => {
            // ids of a list no longer shown say nothing about this one
            if query != app.list_query() {
                return Vec::new();
            }
            match purpose {
                IdsFor::MarkAll => app.marks.add(ids),
                IdsFor::Prune => app.marks.retain_in(&ids.into_iter().collect()),
                IdsFor::Range => app.marks.cover(app.list.selected, offset, &ids),
            }
            Vec::new()
        }
        BulkEvent::Planned(plan) => {
            // a plan that arrives while the agent does something else is not forced on them
            if app.mode == Mode::Normal {
                app.mode = Mode::Confirm(Box::new(plan));
            }
            Vec::new()
        }
        BulkEvent::Applied(said) => {
            app.marks.clear();
            app.set_status_message(said, false);
            Vec::new()
        }
    }
}

/// Keys in the preview: confirm applies, back cancels, up and down scroll.
pub(super) fn on_confirm(app: &mut App, a: Action) -> Vec<Effect> {
    let Mode::Confirm(plan) = &mut app.mode else {
        return Vec::new();
    };
    match a {
        Action::Confirm | Action::Open => {
            let (action, tickets) = (plan.action.clone(), plan.to_apply());
            app.mode = Mode::Normal;
            if tickets.is_empty() {
                app.set_status_message("nothing to do; nothing changed", false);
                return Vec::new();
            }
            vec![Effect::Bulk(BulkEffect::Apply { action, tickets })]
        }
        Action::Back | Action::Quit => {
            app.mode = Mode::Normal;
            app.set_status_message("cancelled; nothing changed", false);
            Vec::new()
        }
        Action::Down => {
            plan.scroll = (plan.scroll + 1).min(plan.rows.len().saturating_sub(1));
            Vec::new()
        }
        Action::Up => {
            plan.scroll = plan.scroll.saturating_sub(1);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ticket: TicketId, outcome: Outcome) -> PlanRow {
        PlanRow {
            ticket,
            title: String::new(),
            outcome,
        }
    }

    #[test]
    fn the_headline_counts_what_happens_and_groups_the_skipped() {
        let apply = || Outcome::Apply(String::new());
        let sent = || Outcome::Skip("already sent this template".into());
        let nobody = || Outcome::Skip("no customer address".into());
        let reply = BulkAction::Reply("sizing".into());
        #[rustfmt::skip]
        let cases: Vec<(BulkAction, Vec<Outcome>, &str)> = vec![
            (reply.clone(), vec![apply(), apply()], "Reply `sizing` to 2 tickets"),
            (reply.clone(), vec![apply(), sent(), nobody(), sent()],
             "Reply `sizing` to 1 of 4 tickets: 2 skipped (already sent this template), 1 skipped (no customer address)"),
            (reply, vec![sent()], "Reply `sizing` to 0 of 1 ticket: 1 skipped (already sent this template)"),
            (BulkAction::Status(Status::Solved), vec![apply()], "Set 1 ticket to solved"),
            (BulkAction::Assign(None), vec![apply(), apply()], "Unassign 2 tickets"),
            (BulkAction::Assign(Some("bob".into())), vec![apply(), Outcome::Skip("already bob's".into())],
             "Assign 1 of 2 tickets to bob: 1 skipped (already bob's)"),
            (BulkAction::Tag(vec!["vip".into()], vec!["old".into()]), vec![apply(), apply(), apply()],
             "Tag 3 tickets +vip -old"),
            (BulkAction::Merge(12), vec![apply(), apply()], "Merge 2 tickets into #12"),
        ];
        for (action, outcomes, want) in cases {
            let plan = BulkPlan {
                action,
                rows: outcomes
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| row(i as i64 + 1, o))
                    .collect(),
                scroll: 0,
            };
            assert_eq!(plan.headline(), want);
        }
    }
}
