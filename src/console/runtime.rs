//! The console's one impure loop. Everything that happens arrives in one inbox (what is
//! typed, lists from the loader, the outbox flusher finishing); the loop takes in all that
//! has arrived, lets `app::update` decide, performs the effects, and draws one frame.
//! Between messages it blocks; every `TICK` it looks for other processes' writes and for
//! replies whose undo window has ended.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::time::{Duration, Instant};

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};

use super::effects::Runner;
use super::loader::Loader;
use super::terminal::{self, Reader, Term};
use crate::app::{App, Context, Effect, Event, Mode, Mouse, MouseKind, update};
use crate::config::Config;
use crate::store::query_sql::QueryContext;
use crate::store::{Store, now_unix};
use crate::templates::{self, Templates};
use crate::ui::keymap::{Key, Keymap, Lookup};
use crate::ui::theme::{ColorMode, Theme};
use crate::ui::view::draw;

pub struct Options {
    pub db: PathBuf,
    pub config: Config,
    pub title: String,
    pub theme: String,
    pub color: ColorMode,
    /// The demo shop has no mail server: replies are filed on their tickets when their
    /// undo window ends.
    pub demo: bool,
}

/// What the loop is told, by the threads around it.
pub enum Inbox {
    /// A key, a paste or a resize, from the terminal reader.
    Terminal(TermEvent),
    /// The terminal cannot be read any more.
    TerminalFailed(String),
    /// A result from the list loader.
    Loaded(Event),
    /// The outbox flusher has finished a round.
    Flushed,
}

/// How often the clock moves and the database is checked for other processes' writes.
const TICK: Duration = Duration::from_millis(250);

pub fn run(opts: Options) -> anyhow::Result<()> {
    let config_dir = crate::config::config_dir();
    // Bad keymaps and themes are reported before the screen is taken over.
    let keymap = Keymap::load(Some(&config_dir.join("keymap.toml")))?;
    let theme = Theme::load(&opts.theme, Some(&config_dir.join("themes")), opts.color)?;
    let templates = Templates::load(
        &templates::user_dirs(&opts.config),
        &opts.config.shop.default_language,
    )?;
    // The config's views, then those saved from the console (not for the demo shop).
    let mut views = opts.config.views.clone();
    if !opts.demo {
        views.extend(crate::config::views::load_saved(
            &crate::config::views::views_file(opts.config.path.as_deref()),
        )?);
    }
    let mut store = Store::open(&opts.db)?;
    // the list's repeat marks as the config counts them; a failure leaves the marks as they were
    if let Err(e) = crate::worker::service_levels::refresh_repeats(store.conn(), &opts.config) {
        tracing::warn!(error = %e, "repeat contacts");
    }
    // and the stages, so the first queue counts already go by the policies
    let now = chrono::Utc::now();
    if let Err(e) = crate::worker::service_levels::refresh_stages(store.conn(), &opts.config, now) {
        tracing::warn!(error = %e, "service-level stages");
    }

    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // a panic the mail decoder catches leaves the console running
        if !crate::mail::parse::panic_is_caught() {
            terminal::restore();
        }
        hook(info);
    }));
    let mut term = terminal::setup(opts.config.console.mouse)?;
    let (tx, inbox) = channel();
    let reader = Reader::start(tx.clone());
    let mut console = Console {
        runner: Runner {
            opts: &opts,
            templates: &templates,
            ctx: QueryContext {
                agent: opts.config.agent.clone(),
                now: now_unix(),
            },
        },
        keymap: &keymap,
        loader: Loader::start(opts.db.clone(), opts.config.clone(), tx.clone()),
        tx,
        reader,
        keys: Vec::new(),
        flusher: None,
        version: store.data_version().unwrap_or(0),
        views,
        last_click: None,
    };
    let result = console.event_loop(&mut term, &theme, &inbox, &mut store);
    drop(console);
    terminal::restore();
    result
}

/// The loop's companions: what performs effects, the threads that feed the inbox, and
/// the few things remembered between messages.
struct Console<'a> {
    runner: Runner<'a>,
    keymap: &'a Keymap,
    loader: Loader,
    /// For the threads started later (the outbox flusher).
    tx: Sender<Inbox>,
    reader: Reader,
    /// Keys of a sequence typed so far ("g" of "g g").
    keys: Vec<Key>,
    flusher: Option<std::thread::JoinHandle<()>>,
    /// `PRAGMA data_version` when last looked: it moves when another connection commits.
    version: i64,
    /// Saved searches, shown as queues after the built-in ones.
    views: Vec<crate::config::View>,
    /// Where and when the last click was, to tell a double click.
    last_click: Option<(u16, u16, Instant)>,
}

impl Console<'_> {
    fn event_loop(
        &mut self,
        term: &mut Term,
        theme: &Theme,
        inbox: &Receiver<Inbox>,
        store: &mut Store,
    ) -> anyhow::Result<()> {
        let mut app = App::new(
            &self.runner.opts.config.agent,
            &self.runner.opts.title,
            now_unix(),
        );
        app.no_accounts = self.runner.opts.config.accounts.is_empty();
        app.sla.bell = self.runner.opts.config.sla.bell;
        app.add_views(
            self.views
                .iter()
                .map(|v| (v.name.as_str(), v.query.as_str())),
        );
        let size = term.size()?;
        let mut pending = update(&mut app, Event::Resize(size.width, size.height));
        pending.extend(app.start());
        // Queue counts are the slowest read and the least urgent: they run after the frame
        // that shows the list, when nothing else is waiting.
        let mut deferred: Vec<Effect> = Vec::new();
        let mut next_tick = Instant::now() + TICK;
        loop {
            while !pending.is_empty() {
                for fx in latest_loads(std::mem::take(&mut pending)) {
                    self.perform(&mut app, term, store, fx, &mut pending, &mut deferred)?;
                }
            }
            if app.quit {
                return Ok(());
            }
            term.draw(|f| draw(f, &app, theme, self.keymap))?;
            let first = if deferred.is_empty() {
                let wait = next_tick.saturating_duration_since(Instant::now());
                match inbox.recv_timeout(wait) {
                    Ok(msg) => Some(msg),
                    Err(RecvTimeoutError::Timeout) => None,
                    // `self.tx` keeps the inbox open
                    Err(RecvTimeoutError::Disconnected) => {
                        anyhow::bail!("the console's inbox closed")
                    }
                }
            } else {
                match inbox.try_recv() {
                    Ok(msg) => Some(msg),
                    Err(TryRecvError::Empty) => {
                        for fx in std::mem::take(&mut deferred) {
                            pending.extend(self.apply(&mut app, store, fx));
                        }
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => anyhow::bail!("the console's inbox closed"),
                }
            };
            // Everything that has arrived is taken in before any effect runs, so a burst
            // of keys (fast typing, a paste) costs one list load, not one per key.
            let mut next = first;
            while let Some(msg) = next {
                self.take_in(&mut app, term, store, msg, &mut pending)?;
                next = inbox.try_recv().ok();
            }
            if Instant::now() >= next_tick {
                next_tick = Instant::now() + TICK;
                self.runner.ctx.now = now_unix();
                pending.extend(update(&mut app, Event::Tick(now_unix())));
                self.look_for_changes(&mut app, store, &mut pending);
                if self.runner.deliver_due(store, &mut self.flusher, &self.tx) {
                    pending.extend(update(&mut app, Event::DataChanged));
                }
            }
        }
    }

    /// One effect: list loads go to the loader, counts wait for a quiet moment, `$EDITOR`
    /// takes the terminal, the rest runs here.
    fn perform(
        &mut self,
        app: &mut App,
        term: &mut Term,
        store: &mut Store,
        fx: Effect,
        pending: &mut Vec<Effect>,
        deferred: &mut Vec<Effect>,
    ) -> anyhow::Result<()> {
        match fx {
            Effect::LoadCounts(_) => {
                deferred.retain(|d| !matches!(d, Effect::LoadCounts(_)));
                deferred.push(fx);
            }
            Effect::LoadList { .. }
            | Effect::LoadPreview(_)
            | Effect::LoadReport { .. }
            | Effect::LoadSla => {
                if let Err(fx) = self.loader.send(fx) {
                    // the loader is gone: load here
                    pending.extend(self.apply(app, store, fx));
                }
            }
            Effect::Bell => terminal::bell(),
            Effect::OpenEditor(text) => {
                let ev =
                    match terminal::handed_over(term, &self.reader, || crate::editor::edit(&text))?
                    {
                        Ok(text) => Event::EditorDone(text),
                        Err(e) => Event::Error(format!("{e}; the draft is unchanged")),
                    };
                pending.extend(update(app, ev));
            }
            fx => pending.extend(self.apply(app, store, fx)),
        }
        Ok(())
    }

    /// Performs `fx` here and hands its events to the app.
    fn apply(&mut self, app: &mut App, store: &mut Store, fx: Effect) -> Vec<Effect> {
        let mut out = Vec::new();
        for ev in self.runner.perform(store, fx) {
            out.extend(update(app, ev));
        }
        out
    }

    fn take_in(
        &mut self,
        app: &mut App,
        term: &mut Term,
        store: &mut Store,
        msg: Inbox,
        pending: &mut Vec<Effect>,
    ) -> anyhow::Result<()> {
        match msg {
            Inbox::Terminal(TermEvent::Key(k))
                if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                terminal::suspend(term, &self.reader)?;
            }
            Inbox::Terminal(ev) => pending.extend(self.on_terminal_event(ev, app)),
            Inbox::TerminalFailed(e) => anyhow::bail!("reading the terminal: {e}"),
            Inbox::Loaded(ev) => pending.extend(update(app, ev)),
            Inbox::Flushed => self.look_for_changes(app, store, pending),
        }
        Ok(())
    }

    /// Another process (sync, a second console, the flusher) wrote: reload what is shown.
    fn look_for_changes(&mut self, app: &mut App, store: &Store, pending: &mut Vec<Effect>) {
        let v = store.data_version().unwrap_or(self.version);
        if v != self.version {
            self.version = v;
            pending.extend(update(app, Event::DataChanged));
        }
    }

    /// One terminal event: keys through the keymap to actions (or text), paste, resize.
    fn on_terminal_event(&mut self, ev: TermEvent, app: &mut App) -> Vec<Effect> {
        match ev {
            TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                let key = Key::from_event(&k);
                let context = app.context();
                let typing = matches!(
                    app.mode,
                    Mode::Search { .. } | Mode::Palette { .. } | Mode::Picker { .. }
                );
                self.keys.push(key);
                match self.keymap.lookup(context, &self.keys) {
                    Lookup::Action(a)
                        if !(typing
                            && context_is_global_only(self.keymap, context, &self.keys)) =>
                    {
                        self.keys.clear();
                        update(app, Event::Action(a))
                    }
                    Lookup::Prefix if !typing && app.mode != Mode::Composer => Vec::new(),
                    _ => {
                        self.keys.clear();
                        let ev = match (&app.mode, k.code) {
                            (Mode::Composer, _) => Some(Event::ComposerInput(k.into())),
                            (_, KeyCode::Backspace) if typing => Some(Event::Backspace),
                            (_, KeyCode::Char(c))
                                if typing && !k.modifiers.contains(KeyModifiers::CONTROL) =>
                            {
                                Some(Event::Char(c))
                            }
                            _ => None,
                        };
                        ev.map(|ev| update(app, ev)).unwrap_or_default()
                    }
                }
            }
            TermEvent::Paste(text) => update(app, Event::Paste(text)),
            TermEvent::Resize(w, h) => update(app, Event::Resize(w, h)),
            TermEvent::Mouse(m) => match mouse_event(m, &mut self.last_click, Instant::now()) {
                Some(m) => update(app, Event::Mouse(m)),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// A terminal mouse event as the app's: left clicks (a second one on the same cell within
/// `DOUBLE_CLICK` of `last_click` is a double click; with Ctrl, one that marks) and the wheel. With Shift held the
/// event is the terminal's (selecting text), in the terminals that pass it on at all.
fn mouse_event(
    m: MouseEvent,
    last_click: &mut Option<(u16, u16, Instant)>,
    now: Instant,
) -> Option<Mouse> {
    if m.modifiers.contains(KeyModifiers::SHIFT) {
        return None;
    }
    let kind = match m.kind {
        MouseEventKind::Down(MouseButton::Left) if m.modifiers.contains(KeyModifiers::CONTROL) => {
            MouseKind::MarkClick
        }
        MouseEventKind::Down(MouseButton::Left) => {
            let double = last_click.is_some_and(|(c, r, at)| {
                (c, r) == (m.column, m.row) && now.duration_since(at) <= DOUBLE_CLICK
            });
            // a third click starts again
            *last_click = (!double).then_some((m.column, m.row, now));
            if double {
                MouseKind::DoubleClick
            } else {
                MouseKind::Click
            }
        }
        MouseEventKind::ScrollDown => MouseKind::ScrollDown,
        MouseEventKind::ScrollUp => MouseKind::ScrollUp,
        _ => return None,
    };
    Some(Mouse {
        kind,
        column: m.column,
        row: m.row,
    })
}

/// Two clicks on one cell within this are a double click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

/// Only the newest list load matters: typing "siparis" quickly asks for seven lists, and
/// the six older ones would be dropped on arrival anyway. The same holds for previews
/// while the selection runs down the list.
fn latest_loads(effects: Vec<Effect>) -> Vec<Effect> {
    let last_list = effects
        .iter()
        .rposition(|e| matches!(e, Effect::LoadList { .. }));
    let last_preview = effects
        .iter()
        .rposition(|e| matches!(e, Effect::LoadPreview(_)));
    effects
        .into_iter()
        .enumerate()
        .filter(|(i, e)| match e {
            Effect::LoadList { .. } => Some(*i) == last_list,
            Effect::LoadPreview(_) => Some(*i) == last_preview,
            _ => true,
        })
        .map(|(_, e)| e)
        .collect()
}

/// While typing in a text field, global single keys ("q", "?", "/") are text, not actions.
fn context_is_global_only(keymap: &Keymap, context: Context, keys: &[Key]) -> bool {
    !keymap
        .contexts
        .get(&context)
        .is_some_and(|list| list.iter().any(|b| b.keys == keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(query: &str) -> Effect {
        Effect::LoadList {
            query: query.into(),
            offset: 0,
            limit: 60,
            selected: 0,
            total: None,
        }
    }

    #[test]
    fn clicks_on_one_cell_in_quick_succession_are_a_double_click() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let ev = |kind, column, modifiers| MouseEvent {
            kind,
            column,
            row: 5,
            modifiers,
        };
        let left = MouseEventKind::Down(MouseButton::Left);
        let none = KeyModifiers::NONE;
        // (event, at ms, what the app gets)
        let cases = [
            (ev(left, 10, none), 0, Some(MouseKind::Click)),
            (ev(left, 10, none), 200, Some(MouseKind::DoubleClick)),
            (ev(left, 10, none), 300, Some(MouseKind::Click)),
            (ev(left, 11, none), 350, Some(MouseKind::Click)),
            (ev(left, 11, none), 900, Some(MouseKind::Click)),
            (ev(left, 11, KeyModifiers::SHIFT), 950, None),
            (
                ev(left, 11, KeyModifiers::CONTROL),
                960,
                Some(MouseKind::MarkClick),
            ),
            (
                ev(MouseEventKind::ScrollDown, 3, none),
                1000,
                Some(MouseKind::ScrollDown),
            ),
            (
                ev(MouseEventKind::ScrollUp, 3, none),
                1000,
                Some(MouseKind::ScrollUp),
            ),
            (ev(MouseEventKind::Moved, 3, none), 1000, None),
            (
                ev(MouseEventKind::Up(MouseButton::Left), 3, none),
                1000,
                None,
            ),
        ];
        let mut last = None;
        for (i, (e, at, want)) in cases.into_iter().enumerate() {
            let got = mouse_event(e, &mut last, ms(at)).map(|m| m.kind);
            assert_eq!(got, want, "case {i}");
        }
    }

    #[test]
    fn only_the_newest_list_load_is_kept() {
        let cases = [
            (vec![], vec![]),
            (vec![list("a")], vec![list("a")]),
            (
                vec![list("s"), list("si"), Effect::LoadOutbox, list("sip")],
                vec![Effect::LoadOutbox, list("sip")],
            ),
            (
                vec![list("s"), Effect::LoadTicket(7), Effect::LoadOutbox],
                vec![list("s"), Effect::LoadTicket(7), Effect::LoadOutbox],
            ),
            (
                vec![
                    Effect::LoadPreview(1),
                    list("a"),
                    Effect::LoadPreview(2),
                    Effect::LoadTicket(9),
                    Effect::LoadPreview(3),
                ],
                vec![list("a"), Effect::LoadTicket(9), Effect::LoadPreview(3)],
            ),
        ];
        for (effects, want) in cases {
            assert_eq!(latest_loads(effects.clone()), want, "{effects:?}");
        }
    }
}
