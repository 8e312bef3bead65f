//! The terminal: taking it over and giving it back (on exit, on a panic, for Ctrl-Z and
//! `$EDITOR`), and the reader thread that turns what is typed into inbox messages.
//!
//! The reader is paused whenever the terminal is handed to someone else: an editor or the
//! shell after Ctrl-Z would otherwise lose keys to it.

use std::io::{Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::runtime::Inbox;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether the console takes the mouse: remembered for taking the terminal back after
/// `$EDITOR` or Ctrl-Z.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Raw mode, the alternate screen, bracketed paste and, when `mouse`, mouse capture (most
/// terminals still select text when Shift is held).
pub fn setup(mouse: bool) -> anyhow::Result<Term> {
    MOUSE.store(mouse, Ordering::Relaxed);
    enter()?;
    Ok(Terminal::new(CrosstermBackend::new(std::io::stdout()))?)
}

fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    if MOUSE.load(Ordering::Relaxed) {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// Puts the terminal back: on exit, on error, and from the panic hook.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    // Always sent: harmless without capture, and a shell left capturing clicks is not.
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

/// Rings the terminal's bell (BEL): between frames, so it never lands inside a drawn
/// sequence. A terminal that cannot take it is no reason to stop.
pub fn bell() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}

/// Gives the terminal to `job` (an editor, the shell after Ctrl-Z) with the reader paused,
/// then takes it back and repaints from scratch.
pub fn handed_over<T>(
    terminal: &mut Term,
    reader: &Reader,
    job: impl FnOnce() -> T,
) -> anyhow::Result<T> {
    let paused = reader.pause();
    restore();
    let out = job();
    enter()?;
    terminal.clear()?;
    drop(paused);
    Ok(out)
}

/// Ctrl-Z: give the terminal back, stop, and take it again when resumed.
pub fn suspend(terminal: &mut Term, reader: &Reader) -> anyhow::Result<()> {
    handed_over(terminal, reader, || {
        let pid = std::process::id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-TSTP", &pid])
            .status();
    })
}

#[derive(Default)]
struct Gate {
    /// The terminal is someone else's: do not read.
    paused: bool,
    /// The reader is inside poll/read.
    reading: bool,
    /// The console is closing.
    stopped: bool,
}

#[derive(Default)]
struct Shared {
    gate: Mutex<Gate>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The thread that reads the terminal into the inbox.
pub struct Reader {
    shared: Arc<Shared>,
}

/// How long one wait for input lasts: the longest a pause waits for the reader to let go.
/// Input itself is passed on the moment it arrives.
const POLL: Duration = Duration::from_millis(100);

impl Reader {
    pub fn start(inbox: Sender<Inbox>) -> Reader {
        let shared = Arc::new(Shared::default());
        let mine = Arc::clone(&shared);
        std::thread::spawn(move || read_loop(&mine, &inbox));
        Reader { shared }
    }

    /// Stops reading until the returned guard is dropped; returns once the reader is
    /// outside poll/read.
    fn pause(&self) -> Paused<'_> {
        let mut gate = self.shared.lock();
        gate.paused = true;
        while gate.reading {
            gate = self
                .shared
                .changed
                .wait(gate)
                .unwrap_or_else(PoisonError::into_inner);
        }
        Paused(&self.shared)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.shared.lock().stopped = true;
        self.shared.changed.notify_all();
    }
}

struct Paused<'a>(&'a Shared);

impl Drop for Paused<'_> {
    fn drop(&mut self) {
        self.0.lock().paused = false;
        self.0.changed.notify_all();
    }
}

fn read_loop(shared: &Shared, inbox: &Sender<Inbox>) {
    loop {
        {
            let mut gate = shared.lock();
            while gate.paused && !gate.stopped {
                gate = shared
                    .changed
                    .wait(gate)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if gate.stopped {
                return;
            }
            gate.reading = true;
        }
        let read = match event::poll(POLL) {
            Ok(true) => event::read().map(Some),
            Ok(false) => Ok(None),
            Err(e) => Err(e),
        };
        {
            shared.lock().reading = false;
            shared.changed.notify_all();
        }
        let sent = match read {
            Ok(Some(ev)) => inbox.send(Inbox::Terminal(ev)),
            Ok(None) => Ok(()),
            Err(e) => {
                let _ = inbox.send(Inbox::TerminalFailed(e.to_string()));
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}
