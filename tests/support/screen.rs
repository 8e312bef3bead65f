//! The console drawn without a terminal: an `App` rendered with the shipped keymap and the
//! dark theme into a test backend, and actions sent through `update` as keys would.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shopdesk::app::{Action, App, Event, update};
use shopdesk::ui::keymap::Keymap;
use shopdesk::ui::theme::{ColorMode, Theme};
use shopdesk::ui::view::draw;

/// The screen as text, one quoted line per row (what the snapshots hold).
pub fn render(app: &App) -> String {
    let keymap = Keymap::load(None).unwrap();
    let theme = Theme::load("dark", None, ColorMode::TrueColor).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).unwrap();
    terminal.draw(|f| draw(f, app, &theme, &keymap)).unwrap();
    format!("{}", terminal.backend())
}

/// Each action in turn, through the same update as the console's keys.
pub fn act(app: &mut App, actions: &[Action]) {
    for a in actions {
        update(app, Event::Action(*a));
    }
}
