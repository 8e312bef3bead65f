//! The console's looks: keymaps, themes, and drawing the screen from `app` state alone.
//! No I/O past reading the keymap and theme files; the runtime lives in `console`.

mod bulk_view;
pub mod keymap;
pub mod report_view;
mod status_view;
pub mod styles;
pub mod text;
pub mod theme;
pub mod thread_view;
pub mod view;
