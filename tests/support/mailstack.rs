//! A private mail stack (Dovecot: IMAP, IMAPS, LMTP; Postfix: SMTP, SMTPS) on free loopback
//! ports in a short temporary folder, started by `scripts/mailstack.sh` and stopped on drop.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use shopdesk::config::{PasswordSource, Security, ServerConfig};

pub const PASSWORD: &str = "secret";
pub const SHOP: &str = "shop@example.test";

pub struct MailStack {
    dir: tempfile::TempDir,
    /// The script's switches (MAILSTACK_OAUTH2, MAILSTACK_SENT), for every call.
    env: Vec<(String, String)>,
    pub imap: u16,
    pub imaps: u16,
    pub smtp: u16,
    pub smtps: u16,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mailstack.sh")
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

impl MailStack {
    pub fn start() -> MailStack {
        Self::start_with(|_| {})
    }

    /// Starts the stack after `prepare` has seen its folder (e.g. to place a certificate
    /// in `tls/` that the script then keeps).
    pub fn start_with(prepare: impl Fn(&Path)) -> MailStack {
        Self::start_env(&[], prepare)
    }

    /// Starts the stack with the script's switches set (see `scripts/mailstack.sh`).
    pub fn start_env(env: &[(&str, &str)], prepare: impl Fn(&Path)) -> MailStack {
        let mut last = String::new();
        // Free ports can be taken between choosing and binding: try a few times.
        for _ in 0..4 {
            // Dovecot's unix sockets need a short path whose parents everyone can traverse.
            let dir = tempfile::Builder::new()
                .prefix("sd")
                .tempdir_in("/tmp")
                .expect("temp dir");
            set_mode(dir.path(), 0o755);
            prepare(dir.path());
            let stack = MailStack {
                dir,
                env: env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                imap: free_port(),
                imaps: free_port(),
                smtp: free_port(),
                smtps: free_port(),
            };
            match stack.script("start") {
                Ok(()) => return stack,
                Err(e) => last = e,
            }
        }
        panic!("mail stack did not start: {last}");
    }

    fn script_cmd(&self, verb: &str) -> Command {
        let mut c = Command::new("bash");
        c.arg(script()).arg(verb).arg(self.dir.path());
        c.env("IMAP_PORT", self.imap.to_string())
            .env("IMAPS_PORT", self.imaps.to_string())
            .env("SMTP_PORT", self.smtp.to_string())
            .env("SMTPS_PORT", self.smtps.to_string());
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// Runs the script. Its output goes to a file, not a pipe: the daemons it starts
    /// inherit the descriptors and would hold a pipe open for ever.
    fn script(&self, verb: &str) -> Result<(), String> {
        let log_path = self.dir.path().join(format!("mailstack-{verb}.log"));
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        let status = self
            .script_cmd(verb)
            .stdin(std::process::Stdio::null())
            .stdout(log)
            .stderr(err)
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(std::fs::read_to_string(&log_path).unwrap_or_default())
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The private CA that signed the servers' certificate: what clients trust.
    pub fn cert(&self) -> PathBuf {
        self.dir.path().join("tls/ca.pem")
    }

    /// Makes a CA and a server certificate for `san` in `dir/tls` (before start).
    pub fn make_certs(dir: &Path, san: &str) {
        let ok = Command::new("bash")
            .arg(script())
            .arg("make-certs")
            .arg(dir.join("tls"))
            .arg(san)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run mailstack.sh");
        assert!(ok.success(), "make-certs");
    }

    /// An OAuth2 access token for `user` that the stack's Dovecot accepts until
    /// `expires_in` seconds from now (negative: already expired). With `forged`, signed
    /// with another key. Needs the stack started with MAILSTACK_OAUTH2=1.
    pub fn token(&self, user: &str, expires_in: i64, forged: bool) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let key_file = self.dir.path().join("keys/default/HS256/default");
        let mut key = b64
            .decode(
                std::fs::read_to_string(&key_file)
                    .expect("the stack's JWT key")
                    .trim(),
            )
            .expect("base64 key");
        if forged {
            key.reverse();
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        let header = url.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = url.encode(
            serde_json::json!({
                "sub": user, "email": user, "iat": now - 600, "exp": now + expires_in,
            })
            .to_string(),
        );
        let signing = format!("{header}.{claims}");
        let mac = ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
            signing.as_bytes(),
        );
        format!("{signing}.{}", url.encode(mac.as_ref()))
    }

    /// Stops and starts Dovecot: every IMAP client sees its connection drop.
    pub fn restart_imap(&self) {
        if let Err(e) = self.script("restart-imap") {
            panic!("restart-imap failed: {e}");
        }
    }

    pub fn imap_server(&self, user: &str) -> ServerConfig {
        ServerConfig {
            host: "127.0.0.1".into(),
            port: self.imap,
            security: Security::None,
            user: user.into(),
            password: PasswordSource::Plain(PASSWORD.into()),
            oauth2: None,
            ca_file: None,
        }
    }

    /// An IMAP session as another mail client would have it.
    pub fn client(&self, user: &str) -> shopdesk::mail::imap::Session {
        shopdesk::mail::imap::connect("test", &self.imap_server(user))
            .expect("test IMAP client connects")
            .session
    }

    /// Appends messages to a user's folder (created when missing).
    pub fn append(&self, user: &str, folder: &str, messages: &[Vec<u8>]) {
        let mut s = self.client(user);
        let name = shopdesk::mail::imap::encode_mailbox(folder);
        let _ = s.create(&name);
        for m in messages {
            s.append(&name, m).finish().expect("APPEND");
        }
        let _ = s.logout();
    }

    /// Sends one raw message through Postfix's SMTP port.
    pub fn send(&self, from: &str, to: &[&str], raw: &[u8]) {
        use lettre::Transport;
        use lettre::address::Envelope;
        let t = lettre::SmtpTransport::builder_dangerous("127.0.0.1")
            .port(self.smtp)
            .build();
        let env = Envelope::new(
            Some(from.parse().expect("from address")),
            to.iter().map(|a| a.parse().expect("to address")).collect(),
        )
        .expect("envelope");
        t.send_raw(&env, raw).expect("SMTP send");
    }

    /// Writes a config file for the `shop` account and returns its path.
    pub fn write_config(&self, dir: &Path, extra_account_lines: &str) -> PathBuf {
        let path = dir.join("config.toml");
        std::fs::write(&path, self.config_text(extra_account_lines)).expect("write config");
        path
    }

    pub fn config_text(&self, extra_account_lines: &str) -> String {
        format!(
            r#"agent = "alice"

[[accounts]]
name = "shop"
email = "{SHOP}"
{extra_account_lines}

[accounts.imap]
host = "127.0.0.1"
port = {imap}
security = "none"
user = "{SHOP}"
password_env = "SHOPDESK_TEST_PASSWORD"

[accounts.smtp]
host = "127.0.0.1"
port = {smtp}
security = "none"
user = "{SHOP}"
password_env = "SHOPDESK_TEST_PASSWORD"
"#,
            imap = self.imap,
            smtp = self.smtp,
        )
    }
}

impl Drop for MailStack {
    fn drop(&mut self) {
        let _ = self.script("stop");
    }
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The raw messages in a user's folder, in UID order.
pub fn fetch_all(session: &mut shopdesk::mail::imap::Session, folder: &str) -> Vec<Vec<u8>> {
    session
        .examine(shopdesk::mail::imap::encode_mailbox(folder))
        .expect("EXAMINE");
    let uids = session.uid_search("ALL").expect("SEARCH");
    if uids.is_empty() {
        return Vec::new();
    }
    let mut sorted: Vec<u32> = uids.into_iter().collect();
    sorted.sort_unstable();
    let set: Vec<String> = sorted.iter().map(u32::to_string).collect();
    let fetches = session
        .uid_fetch(set.join(","), "BODY.PEEK[]")
        .expect("FETCH");
    fetches
        .iter()
        .filter_map(|f| f.body().map(<[u8]>::to_vec))
        .collect()
}

impl MailStack {
    /// Waits until `user`'s `folder` holds at least `n` messages (Postfix delivers
    /// asynchronously), then returns them all.
    pub fn wait_for_mail(
        &self,
        user: &str,
        folder: &str,
        n: usize,
        limit: std::time::Duration,
    ) -> Vec<Vec<u8>> {
        let start = std::time::Instant::now();
        loop {
            let mut s = self.client(user);
            let all = fetch_all(&mut s, folder);
            let _ = s.logout();
            if all.len() >= n || start.elapsed() > limit {
                return all;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}
