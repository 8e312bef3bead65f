//! Writing a reply: the composer's keys, and the template picker with its live preview
//! in the customer's language.

use ratatui_textarea::TextArea;

use super::*;
use crate::domain::Status;

pub(super) fn start_reply(app: &mut App) -> Vec<Effect> {
    let Some(ticket) = app.selected_ticket() else {
        app.set_status_message("no ticket selected", true);
        return Vec::new();
    };
    let mut area = TextArea::default();
    area.set_placeholder_text("Write the reply; Ctrl-T picks a template, Ctrl-S sends");
    app.composer = Some(Composer {
        ticket,
        area,
        template: None,
        status_after: None,
    });
    app.mode = Mode::Composer;
    let mut fx = vec![Effect::LoadDraft(ticket)];
    if app.ticket.as_ref().map(|t| t.ticket.id) != Some(ticket) {
        fx.push(Effect::LoadTicket(ticket));
    }
    // An order that can be tracked: the picker opens on the offered answer (Esc writes
    // freely instead).
    if app.offered_template().is_some() {
        app.mode = Mode::Picker {
            filter: String::new(),
            selected: 0,
        };
        fx.extend(preview_selected(app));
    }
    fx
}

pub(super) fn on_composer(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(c) = app.composer.as_mut() else {
        app.mode = Mode::Normal;
        return Vec::new();
    };
    match a {
        Action::Back => {
            app.mode = Mode::Normal;
            app.set_status_message("draft kept", false);
            Vec::new()
        }
        Action::PickTemplate => {
            app.mode = Mode::Picker {
                filter: String::new(),
                selected: 0,
            };
            preview_selected(app)
        }
        Action::Editor => vec![Effect::OpenEditor(c.area.lines().join("\n"))],
        Action::CycleStatus => {
            c.status_after = match c.status_after {
                None => Some(Status::Pending),
                Some(Status::Pending) => Some(Status::Solved),
                Some(Status::Solved) => Some(Status::Open),
                _ => None,
            };
            let label = c.status_after.map_or("unchanged", |s| s.as_str());
            app.set_status_message(format!("after sending, the ticket will be: {label}"), false);
            Vec::new()
        }
        Action::Send => {
            let body = c.area.lines().join("\n");
            if body.trim().is_empty() && c.template.is_none() {
                app.set_status_message("the reply is empty", true);
                return Vec::new();
            }
            let fx = vec![Effect::QueueReply {
                ticket: c.ticket,
                body,
                template: c.template.clone(),
                status: c.status_after,
            }];
            app.composer = None;
            app.mode = Mode::Normal;
            fx
        }
        _ => Vec::new(),
    }
}

/// Templates whose name contains the filter's characters in order.
pub fn filtered_templates<'a>(templates: &'a [String], filter: &str) -> Vec<&'a String> {
    let f: Vec<char> = filter.to_lowercase().chars().collect();
    templates
        .iter()
        .filter(|name| {
            let mut it = f.iter().peekable();
            for c in name.to_lowercase().chars() {
                if it.peek() == Some(&&c) {
                    it.next();
                }
            }
            it.peek().is_none()
        })
        .collect()
}

pub(super) fn preview_selected(app: &mut App) -> Vec<Effect> {
    let (Mode::Picker { filter, selected }, Some(c)) = (&app.mode, app.composer.as_ref()) else {
        return Vec::new();
    };
    match app.picker_templates(filter).get(*selected) {
        Some(name) => vec![Effect::Preview {
            ticket: c.ticket,
            template: (*name).clone(),
        }],
        None => {
            app.preview = None;
            Vec::new()
        }
    }
}

pub(super) fn on_picker(app: &mut App, a: Action) -> Vec<Effect> {
    let Mode::Picker { filter, .. } = &app.mode else {
        return Vec::new();
    };
    let names: Vec<String> = app.picker_templates(filter).into_iter().cloned().collect();
    let Mode::Picker { selected, .. } = &mut app.mode else {
        return Vec::new();
    };
    let n = names.len();
    match a {
        Action::Down => *selected = (*selected + 1).min(n.saturating_sub(1)),
        Action::Up => *selected = selected.saturating_sub(1),
        Action::Back => {
            app.mode = Mode::Composer;
            app.preview = None;
            return Vec::new();
        }
        Action::Open => {
            let name = names.get(*selected).cloned();
            let preview = app.preview.take();
            app.mode = Mode::Composer;
            if let (Some(name), Some(preview), Some(c)) = (name, preview, app.composer.as_mut()) {
                if let Preview::Rendered(text) = preview {
                    let mut area =
                        TextArea::from(text.lines().map(str::to_string).collect::<Vec<_>>());
                    area.set_placeholder_text("");
                    c.area = area;
                    c.template = Some(name);
                    return vec![Effect::SaveDraft(c.ticket, c.area.lines().join("\n"))];
                }
                app.set_status_message("this template cannot be used here", true);
            }
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    preview_selected(app)
}
