//! The terminal side of the console: keymaps, themes, drawing, and the runner that owns
//! the terminal, turns keys into events and performs effects.

pub mod attachments;
pub mod keymap;
pub mod run;
pub mod theme;
pub mod thread_view;
pub mod view;
