//! `sync --watch`: one thread per (account, folder), each owning its IMAP connection
//! (the imap crate is blocking). The thread syncs, then IDLEs; any server push ends the
//! IDLE and triggers the next sync. IDLE is re-issued before the 29-minute limit, and a lost
//! connection is retried with backoff (`worker::backoff`) that starts over on every
//! successful sync, so a server restarted any number of times is picked up within seconds.

use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::backoff::Backoff;
use super::mailbox_sync::{DEFAULT_BATCH, MailboxReport, SyncError, sync_mailbox};
use crate::config::{AccountConfig, Config, SentFolder};
use crate::mail::imap::{ImapError, connect, discover_sent};
use crate::store::Store;
use crate::store::ingest::AccountIdentity;

/// How long one IDLE lasts before it is re-issued (RFC 2177 asks for less than 29 minutes).
pub const IDLE_REFRESH: Duration = Duration::from_secs(25 * 60);

/// What a watcher reports upward.
#[derive(Debug)]
pub enum WatchEvent {
    Synced {
        account: String,
        report: MailboxReport,
    },
    Error {
        account: String,
        mailbox: String,
        message: String,
        retry_in: Duration,
    },
}

/// Handle to the running watchers; `stop()` ends them promptly.
pub struct Watch {
    stop: Arc<AtomicBool>,
    sockets: Arc<Mutex<Vec<TcpStream>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Watch {
    /// Starts a watcher per folder of every account (or only `only`).
    pub fn start(
        config: &Config,
        db: &Path,
        only: Option<&str>,
        events: impl Fn(WatchEvent) + Send + Sync + 'static,
    ) -> Watch {
        let stop = Arc::new(AtomicBool::new(false));
        let sockets = Arc::new(Mutex::new(Vec::new()));
        let events = Arc::new(events);
        let mut threads = Vec::new();
        for account in config
            .accounts
            .iter()
            .filter(|a| only.is_none_or(|o| a.name == o))
        {
            let mut folders: Vec<Option<String>> =
                account.folders.iter().cloned().map(Some).collect();
            match &account.sent_folder {
                SentFolder::Named(n) if account.folders.contains(n) => {}
                SentFolder::Named(n) => folders.push(Some(n.clone())),
                // named once this watcher has connected
                SentFolder::Discovered(_) => folders.push(None),
            }
            for folder in folders {
                let job = Watcher {
                    account: account.clone(),
                    folder,
                    db: db.to_path_buf(),
                    stop: stop.clone(),
                    sockets: sockets.clone(),
                };
                let events = events.clone();
                threads.push(std::thread::spawn(move || job.run(&*events)));
            }
        }
        Watch {
            stop,
            sockets,
            threads,
        }
    }

    /// Stops every watcher (breaking their IDLE by shutting the sockets) and waits for them.
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(sockets) = self.sockets.lock() {
            for s in sockets.iter() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}

struct Watcher {
    account: AccountConfig,
    /// None: the account's Sent folder, found on the server.
    folder: Option<String>,
    db: PathBuf,
    stop: Arc<AtomicBool>,
    sockets: Arc<Mutex<Vec<TcpStream>>>,
}

impl Watcher {
    fn run(&self, events: &(dyn Fn(WatchEvent) + Send + Sync)) {
        let mut backoff = Backoff::default();
        while !self.stopped() {
            match self.session(events, &mut backoff) {
                Ok(true) => backoff.reset(),
                // the Sent folder turned out to be one of the watched folders
                Ok(false) => break,
                Err(e) => {
                    if self.stopped() {
                        break;
                    }
                    let wait = backoff.failed(Instant::now(), e.is_transient());
                    events(WatchEvent::Error {
                        account: self.account.name.clone(),
                        mailbox: self.folder_name(),
                        message: e.to_string(),
                        retry_in: wait,
                    });
                    self.sleep(wait);
                }
            }
        }
    }

    fn folder_name(&self) -> String {
        self.folder
            .clone()
            .unwrap_or_else(|| self.account.sent_folder.name().to_string())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sleeps in small steps so stop is prompt.
    fn sleep(&self, d: Duration) {
        let step = Duration::from_millis(50);
        let mut left = d;
        while !self.stopped() && !left.is_zero() {
            let s = left.min(step);
            std::thread::sleep(s);
            left -= s;
        }
    }

    /// One connection's life: sync, IDLE until pushed, sync again; returns on error, or
    /// `false` when there is nothing for this watcher to do. A sync that works proves the
    /// connection good, and resets the backoff.
    fn session(
        &self,
        events: &(dyn Fn(WatchEvent) + Send + Sync),
        backoff: &mut Backoff,
    ) -> Result<bool, SyncError> {
        let mut store = Store::open(&self.db)?;
        let mut conn = connect(&self.account.name, &self.account.imap)?;
        discover_sent(&mut conn.session, &self.account.sent_folder);
        let folder = self.folder_name();
        if self.folder.is_none() && self.account.folders.contains(&folder) {
            let _ = conn.session.logout();
            return Ok(false);
        }
        if let Ok(mut s) = self.sockets.lock()
            && let Ok(c) = conn.abort.try_clone()
        {
            s.push(c);
        }
        let identity = AccountIdentity::from(&self.account);
        let host = conn.host.clone();
        loop {
            let report = sync_mailbox(
                &mut conn,
                &mut store,
                &identity,
                &folder,
                DEFAULT_BATCH,
                &mut |_, _, _| {},
            )?;
            backoff.reset();
            events(WatchEvent::Synced {
                account: self.account.name.clone(),
                report,
            });
            if self.stopped() {
                return Ok(true);
            }
            if conn.caps.idle {
                // EXAMINE left the folder selected; IDLE reports on it.
                conn.session
                    .idle()
                    .timeout(IDLE_REFRESH)
                    .keepalive(false)
                    .wait_while(imap::extensions::idle::stop_on_any)
                    .map_err(|source| ImapError::Protocol {
                        host: host.clone(),
                        source: Box::new(source),
                    })?;
                // IDLE removed the read timeout; a silent server must not hang a sync
                let _ = conn
                    .abort
                    .set_read_timeout(Some(crate::mail::imap::COMMAND_TIMEOUT));
            } else {
                self.sleep(Duration::from_secs(30));
            }
            if self.stopped() {
                return Ok(true);
            }
        }
    }
}
