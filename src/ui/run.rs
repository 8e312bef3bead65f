//! The console's event loop: terminal in, effects out. Keys go through the keymap to
//! actions; effects (store reads and writes, the outbox) run here and come back as events;
//! every frame is drawn from the app state.

use std::io::{Stdout, Write};

use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent, KeyCode, KeyEventKind,
    KeyModifiers,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::attachments;
use super::keymap::{Key, Keymap, Lookup};
use super::theme::{ColorMode, Theme};
use super::view::draw;
use crate::app::{App, Effect, Event, ListWindow, Mode, PendingSend, update};
use crate::config::Config;
use crate::domain::EventSource;
use crate::domain::outbox::ReplyKind;
use crate::mailout::{self, Body, ReplyRequest};
use crate::store::outbox::{self, Enqueued};
use crate::store::query_sql::QueryContext;
use crate::store::{Store, drafts, mailboxes, now_unix, read, ticket_ops, views};
use crate::templates::{self, Templates};

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

type Term = Terminal<CrosstermBackend<Stdout>>;

fn setup() -> anyhow::Result<Term> {
    enable_raw_mode()?;
    let mut out = std::io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    Ok(Terminal::new(CrosstermBackend::new(out))?)
}

/// Puts the terminal back: on exit, on error, and from the panic hook.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

pub fn run(opts: Options) -> anyhow::Result<()> {
    let config_dir = crate::config::config_dir();
    // Bad keymaps and themes are reported before the screen is taken over.
    let keymap = Keymap::load(Some(&config_dir.join("keymap.toml")))?;
    let theme = Theme::load(&opts.theme, Some(&config_dir.join("themes")), opts.color)?;
    let templates = Templates::load(
        &templates::user_dirs(&opts.config),
        &opts.config.shop.default_language,
    )?;
    let mut store = Store::open(&opts.db)?;

    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // a panic the mail decoder catches leaves the console running
        if !crate::mail::parse::panic_is_caught() {
            restore();
        }
        hook(info);
    }));
    let mut terminal = setup()?;
    let result = event_loop(
        &mut terminal,
        &opts,
        &keymap,
        &theme,
        &templates,
        &mut store,
    );
    restore();
    result
}

/// Performs effects against the store and reports back as events. Everything but
/// `$EDITOR`, which needs the terminal, so benchmarks and tests can drive it headless.
pub struct Runner<'a> {
    pub opts: &'a Options,
    pub templates: &'a Templates,
    pub ctx: QueryContext,
}

fn event_loop(
    terminal: &mut Term,
    opts: &Options,
    keymap: &Keymap,
    theme: &Theme,
    templates: &Templates,
    store: &mut Store,
) -> anyhow::Result<()> {
    let mut app = App::new(&opts.config.agent, &opts.title, now_unix());
    app.no_accounts = opts.config.accounts.is_empty();
    let size = terminal.size()?;
    let mut runner = Runner {
        opts,
        templates,
        ctx: QueryContext {
            agent: opts.config.agent.clone(),
            now: now_unix(),
        },
    };
    let mut pending = update(&mut app, Event::Resize(size.width, size.height));
    pending.extend(app.start());
    let mut keys: Vec<Key> = Vec::new();
    let mut version = store.data_version().unwrap_or(0);
    let mut flusher: Option<std::thread::JoinHandle<()>> = None;
    // Queue counts are the slowest read and the least urgent: they run after the frame
    // that shows the list.
    let mut deferred: Vec<Effect> = Vec::new();
    // Lists (and searches) load on a thread of their own: typing never waits for a query.
    let lists = ListLoader::start(opts.db.clone(), opts.config.agent.clone());
    let mut lists_in_flight = 0usize;
    loop {
        while !pending.is_empty() {
            let effects = latest_loads(std::mem::take(&mut pending));
            for fx in effects {
                if matches!(fx, Effect::LoadCounts(_)) {
                    deferred.retain(|d| !matches!(d, Effect::LoadCounts(_)));
                    deferred.push(fx);
                    continue;
                }
                if let Effect::LoadList { .. } = fx {
                    if lists.send(fx) {
                        lists_in_flight += 1;
                        continue;
                    }
                    // the loader is gone: load here
                    let fx = lists.take_back();
                    if let Some(fx) = fx {
                        for ev in runner.perform(store, terminal, fx) {
                            pending.extend(update(&mut app, ev));
                        }
                    }
                    continue;
                }
                for ev in runner.perform(store, terminal, fx) {
                    pending.extend(update(&mut app, ev));
                }
            }
        }
        if app.quit {
            return Ok(());
        }
        terminal.draw(|f| draw(f, &app, theme, keymap))?;
        if let Some(events) = lists.ready(&mut lists_in_flight) {
            for ev in events {
                pending.extend(update(&mut app, ev));
            }
            continue;
        }
        if !deferred.is_empty() && !event::poll(Duration::ZERO)? {
            for fx in std::mem::take(&mut deferred) {
                for ev in runner.perform(store, terminal, fx) {
                    pending.extend(update(&mut app, ev));
                }
            }
            continue;
        }
        let wait = if lists_in_flight > 0 { 5 } else { 250 };
        if !event::poll(Duration::from_millis(wait))? {
            if lists_in_flight > 0 {
                // a list is on its way: look again soon, skip the slower housekeeping
                continue;
            }
            runner.ctx.now = now_unix();
            pending.extend(update(&mut app, Event::Tick(now_unix())));
            let v = store.data_version().unwrap_or(version);
            if v != version {
                version = v;
                pending.extend(update(&mut app, Event::DataChanged));
            }
            if runner.deliver_due(store, &mut flusher) {
                pending.extend(update(&mut app, Event::DataChanged));
            }
            continue;
        }
        // Everything typed so far is taken in before any effect runs, so a burst of
        // keys (fast typing, a paste) costs one list load, not one per key.
        let mut first = true;
        while first || event::poll(Duration::ZERO)? {
            first = false;
            let ev = event::read()?;
            if let TermEvent::Key(k) = &ev
                && k.code == KeyCode::Char('z')
                && k.modifiers.contains(KeyModifiers::CONTROL)
            {
                suspend(terminal)?;
                continue;
            }
            pending.extend(on_terminal_event(ev, &mut app, &mut keys, keymap));
        }
    }
}

/// One terminal event: keys through the keymap to actions (or text), paste, resize.
fn on_terminal_event(
    ev: TermEvent,
    app: &mut App,
    keys: &mut Vec<Key>,
    keymap: &Keymap,
) -> Vec<Effect> {
    match ev {
        TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
            let key = Key::from_event(&k);
            let context = app.context();
            let typing = matches!(
                app.mode,
                Mode::Search { .. } | Mode::Palette { .. } | Mode::Picker { .. }
            );
            keys.push(key);
            match keymap.lookup(context, keys) {
                Lookup::Action(a) if !(typing && context_is_global_only(keymap, context, keys)) => {
                    keys.clear();
                    update(app, Event::Action(a))
                }
                Lookup::Prefix if !typing && app.mode != Mode::Composer => Vec::new(),
                _ => {
                    keys.clear();
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
        _ => Vec::new(),
    }
}

/// Loads ticket lists on its own thread and connection; only the newest request counts.
struct ListLoader {
    requests: std::sync::mpsc::Sender<(Effect, i64)>,
    results: std::sync::mpsc::Receiver<Event>,
    returned: std::cell::RefCell<Option<Effect>>,
}

impl ListLoader {
    fn start(db: PathBuf, agent: String) -> ListLoader {
        let (requests, rx) = std::sync::mpsc::channel::<(Effect, i64)>();
        let (tx, results) = std::sync::mpsc::channel::<Event>();
        std::thread::spawn(move || {
            let Ok(store) = Store::open(&db) else {
                return;
            };
            while let Ok(mut next) = rx.recv() {
                // A burst of keys: skip to the newest request.
                while let Ok(newer) = rx.try_recv() {
                    let _ = tx.send(Event::ListSuperseded);
                    next = newer;
                }
                let (fx, now) = next;
                let Effect::LoadList {
                    query,
                    offset,
                    limit,
                    selected,
                    total,
                } = fx
                else {
                    continue;
                };
                let ctx = QueryContext {
                    agent: agent.clone(),
                    now,
                };
                let ev = match views::window(store.conn(), &query, &ctx, offset, limit, total) {
                    Ok((total, rows)) => Event::ListLoaded(ListWindow {
                        query,
                        total,
                        offset,
                        rows,
                        selected,
                    }),
                    Err(e) => Event::Error(e.to_string()),
                };
                if tx.send(ev).is_err() {
                    return;
                }
            }
        });
        ListLoader {
            requests,
            results,
            returned: std::cell::RefCell::new(None),
        }
    }

    /// Hands a list load to the thread; false (and the effect kept) if it has stopped.
    fn send(&self, fx: Effect) -> bool {
        match self.requests.send((fx, now_unix())) {
            Ok(()) => true,
            Err(std::sync::mpsc::SendError((fx, _))) => {
                *self.returned.borrow_mut() = Some(fx);
                false
            }
        }
    }

    fn take_back(&self) -> Option<Effect> {
        self.returned.borrow_mut().take()
    }

    /// Results that have arrived, if any; `None` also when the thread is gone.
    fn ready(&self, in_flight: &mut usize) -> Option<Vec<Event>> {
        let mut events = Vec::new();
        loop {
            match self.results.try_recv() {
                Ok(ev) => events.push(ev),
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    *in_flight = 0;
                    break;
                }
            }
        }
        *in_flight = in_flight.saturating_sub(events.len());
        (!events.is_empty()).then_some(events)
    }
}

/// Only the newest list load matters: typing "siparis" quickly asks for seven lists, and
/// the six older ones would be dropped on arrival anyway.
fn latest_loads(effects: Vec<Effect>) -> Vec<Effect> {
    let last = effects
        .iter()
        .rposition(|e| matches!(e, Effect::LoadList { .. }));
    effects
        .into_iter()
        .enumerate()
        .filter(|(i, e)| !matches!(e, Effect::LoadList { .. }) || Some(*i) == last)
        .map(|(_, e)| e)
        .collect()
}

/// While typing in a text field, global single keys ("q", "?", "/") are text, not actions.
fn context_is_global_only(keymap: &Keymap, context: &str, keys: &[Key]) -> bool {
    !keymap
        .contexts
        .get(context)
        .is_some_and(|list| list.iter().any(|b| b.keys == keys))
}

/// Ctrl-Z: give the terminal back, stop, and take it again when resumed.
fn suspend(terminal: &mut Term) -> anyhow::Result<()> {
    restore();
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-TSTP", &pid])
        .status();
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    terminal.clear()?;
    Ok(())
}

impl Runner<'_> {
    fn perform(&mut self, store: &mut Store, terminal: &mut Term, fx: Effect) -> Vec<Event> {
        let result = match fx {
            Effect::OpenEditor(text) => edit(terminal, &text).map(|t| vec![Event::EditorDone(t)]),
            fx => self.try_perform(store, fx),
        };
        result.unwrap_or_else(|e| vec![Event::Error(format!("{e:#}"))])
    }

    /// Performs one effect (any but `OpenEditor`, which needs the terminal).
    pub fn perform_headless(&mut self, store: &mut Store, fx: Effect) -> Vec<Event> {
        self.try_perform(store, fx)
            .unwrap_or_else(|e| vec![Event::Error(format!("{e:#}"))])
    }

    fn try_perform(&mut self, store: &mut Store, fx: Effect) -> anyhow::Result<Vec<Event>> {
        let conn = store.conn();
        Ok(match fx {
            Effect::LoadCounts(queries) => vec![Event::CountsLoaded(views::counts(
                conn, &queries, &self.ctx,
            ))],
            Effect::LoadList {
                query,
                offset,
                limit,
                selected,
                total,
            } => {
                let (total, rows) = views::window(conn, &query, &self.ctx, offset, limit, total)?;
                vec![Event::ListLoaded(ListWindow {
                    query,
                    total,
                    offset,
                    rows,
                    selected,
                })]
            }
            Effect::LoadTicket(id) => {
                let detail = read::ticket_detail(conn, id)?;
                let customer = views::customer_of_ticket(conn, id)?;
                vec![Event::TicketLoaded(Box::new(detail), customer)]
            }
            Effect::LoadTemplates => vec![Event::TemplatesLoaded(
                self.templates.names().map(str::to_string).collect(),
            )],
            Effect::Preview { ticket, template } => vec![Event::Preview(
                mailout::render_template(
                    conn,
                    &self.opts.config,
                    self.templates,
                    ticket,
                    &template,
                    &self.opts.config.agent,
                )
                .map(|r| r.body)
                .map_err(|e| e.to_string()),
            )],
            Effect::SetStatus(id, s) => {
                ticket_ops::set_status(conn, id, s, &self.opts.config.agent, EventSource::Console)?;
                vec![
                    Event::Status(format!("#{id} is {}", s.as_str())),
                    Event::DataChanged,
                ]
            }
            Effect::Assign(id, who) => {
                ticket_ops::assign(
                    conn,
                    id,
                    who.as_deref(),
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("#{id} owner: {}", who.as_deref().unwrap_or("none"))),
                    Event::DataChanged,
                ]
            }
            Effect::Tag(id, add, remove) => {
                ticket_ops::tag(
                    conn,
                    id,
                    &add,
                    &remove,
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("#{id} tags updated")),
                    Event::DataChanged,
                ]
            }
            Effect::Note(id, text) => {
                ticket_ops::add_note(
                    conn,
                    id,
                    &text,
                    &self.opts.config.agent,
                    EventSource::Console,
                )?;
                vec![
                    Event::Status(format!("note added to #{id}")),
                    Event::DataChanged,
                ]
            }
            Effect::SaveDraft(ticket, body) => {
                drafts::save(conn, ticket, &body)?;
                Vec::new()
            }
            Effect::QueueReply {
                ticket,
                body,
                template,
                status,
            } => {
                // A template's status and tags apply when its text was used.
                let rendered = template.as_deref().and_then(|name| {
                    mailout::render_template(
                        conn,
                        &self.opts.config,
                        self.templates,
                        ticket,
                        name,
                        &self.opts.config.agent,
                    )
                    .ok()
                });
                let status = status.or(rendered.as_ref().and_then(|r| r.status));
                let req = self.request(ticket, Body::Text(body), status);
                let mut p = mailout::prepare(conn, &self.opts.config, self.templates, &req)?;
                if let Some(r) = rendered {
                    p.tags = r.tags;
                }
                let undo = self.opts.config.outbox.undo_seconds;
                match mailout::queue(conn, &p, undo, &self.opts.config.agent, None)? {
                    Enqueued::Queued(id) | Enqueued::Duplicate(id) => {
                        drafts::discard(conn, ticket)?;
                        vec![Event::Queued(PendingSend {
                            outbox_id: id,
                            ticket,
                            deadline: now_unix() + undo as i64,
                        })]
                    }
                }
            }
            Effect::CancelSend(id) => match outbox::cancel(conn, id)? {
                outbox::Cancelled::Yes => vec![
                    Event::Status("reply cancelled; nothing was sent".into()),
                    Event::DataChanged,
                ],
                _ => vec![Event::Error(
                    "too late to undo: the reply already went out".into(),
                )],
            },
            Effect::OpenEditor(_) => vec![Event::Error("$EDITOR needs a terminal".into())],
            Effect::SaveAttachments(ticket) => {
                let dir = attachments::ticket_dir(&attachments::download_dir(), ticket);
                match attachments::save_all(conn, ticket, &dir)? {
                    0 => vec![Event::Status(format!("#{ticket} has no attachments"))],
                    saved => vec![Event::Status(format!(
                        "saved {saved} attachment(s) to {}",
                        dir.display()
                    ))],
                }
            }
            Effect::LoadDraft(ticket) => drafts::load(conn, ticket)?
                .map(|b| vec![Event::DraftLoaded(ticket, b)])
                .unwrap_or_default(),
            Effect::LoadOutbox => {
                let (q, f) = outbox::counts(conn)?;
                let synced = mailboxes::last_synced(conn)?;
                let error = outbox::last_failure(conn)?;
                vec![Event::Outbox(q, f, error), Event::Synced(synced)]
            }
        })
    }

    fn request(
        &self,
        ticket: i64,
        body: Body,
        status: Option<crate::domain::Status>,
    ) -> ReplyRequest {
        ReplyRequest {
            ticket,
            body,
            status_after: status,
            attachments: Vec::new(),
            quote: false,
            agent: self.opts.config.agent.clone(),
            kind: ReplyKind::Reply,
            reply_by: None,
        }
    }

    /// Replies past their undo window go out: locally for the demo, else through the send
    /// worker on a thread of its own so the screen never waits for SMTP.
    fn deliver_due(
        &self,
        store: &mut Store,
        flusher: &mut Option<std::thread::JoinHandle<()>>,
    ) -> bool {
        if !outbox::has_due(store.conn(), now_unix()).unwrap_or(false) {
            return false;
        }
        if self.opts.demo {
            return match crate::worker::send::deliver_locally(store, &self.opts.config) {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "demo delivery");
                    false
                }
            };
        }
        if flusher.as_ref().is_some_and(|h| !h.is_finished()) {
            return false;
        }
        let config = self.opts.config.clone();
        let db = self.opts.db.clone();
        *flusher = Some(std::thread::spawn(move || {
            if let Err(e) = crate::worker::send::flush(&config, &db, &Default::default()) {
                tracing::warn!(error = %e, "outbox flush");
            }
        }));
        false
    }
}

fn edit(terminal: &mut Term, text: &str) -> anyhow::Result<String> {
    let file = tempfile::Builder::new().suffix(".txt").tempfile()?;
    std::fs::write(file.path(), text)?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    restore();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status();
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    terminal.clear()?;
    let status = status?;
    if !status.success() {
        anyhow::bail!("{editor} exited with {status}; the draft is unchanged");
    }
    Ok(std::fs::read_to_string(file.path())?)
}
