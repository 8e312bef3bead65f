//! Runs mail-parser so that a panic inside it (a bug of the crate, on input it cannot
//! handle) is a parse failure instead of the end of a sync, and stays off the screen: the
//! panic hook is told to keep quiet about panics caught here, so neither the default
//! message on stderr nor the console's restore-the-terminal hook fires for them.

use std::cell::Cell;
use std::panic::{self, UnwindSafe};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Whether the panic being reported on this thread will be caught by [`guarded`]. Any
/// panic hook set elsewhere should leave such panics alone.
pub fn panic_is_caught() -> bool {
    GUARDED.with(Cell::get)
}

/// `f()`, or `None` where it panics (logged, not printed).
pub(super) fn guarded<T>(f: impl FnOnce() -> Option<T> + UnwindSafe) -> Option<T> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if panic_is_caught() {
                tracing::warn!("mail-parser panicked on a message, kept as raw text: {info}");
            } else {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(f);
    GUARDED.with(|g| g.set(was));
    result.unwrap_or(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static REPORTED: Cell<usize> = const { Cell::new(0) };
    }

    #[test]
    fn only_panics_outside_the_decoder_are_reported() {
        // a hook set after ours, as the console's is, and keeping to the same rule
        panic::set_hook(Box::new(|_| {
            if !panic_is_caught() {
                REPORTED.with(|r| r.set(r.get() + 1));
            }
        }));
        let caught: Option<()> = guarded(|| panic!("inside the decoder"));
        assert_eq!(caught, None);
        assert_eq!(REPORTED.with(Cell::get), 0);
        assert!(!panic_is_caught());

        assert!(panic::catch_unwind(|| panic!("elsewhere")).is_err());
        assert_eq!(REPORTED.with(Cell::get), 1);
        assert_eq!(guarded(|| Some(7)), Some(7));
    }

    #[test]
    fn the_quoted_printable_underflow_is_kept_as_raw_text() {
        let raw = include_bytes!("../../../tests/fixtures/nasty/qp-boundary-underflow.eml");
        let parsed = super::super::parse_message(raw);
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.contains("kept as raw text"))
        );
        assert!(parsed.text.contains("Subject: qp"));
    }
}
