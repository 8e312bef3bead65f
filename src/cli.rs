//! The command line: one file per subcommand. Data goes to stdout, diagnostics to stderr;
//! exit codes 0 ok, 1 failure, 2 usage error, 3 a service level breached when asked
//! (`sla --fail-on-breach`) (design.md).

mod argv;
mod bulk;
mod console;
mod context;
mod corrections;
mod customer;
mod init;
mod json;
mod levels;
mod list;
mod log_file;
mod order_json;
mod orders;
mod outbox;
mod output;
mod query_args;
mod reply;
mod report;
mod search;
mod show;
mod sla;
mod sync;
mod templates_cmd;
mod ticket_json;
mod verbs;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub use context::Context;

/// A terminal helpdesk for e-commerce email.
#[derive(Debug, Parser)]
#[command(name = "shopdesk", version, about, long_about = None)]
pub struct Cli {
    /// Config file [default: $XDG_CONFIG_HOME/shopdesk/config.toml]
    #[arg(long, global = true, env = "SHOPDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database file [default: $XDG_DATA_HOME/shopdesk/shopdesk.db]
    #[arg(long, global = true, env = "SHOPDESK_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    #[command(flatten)]
    pub look: console::LookArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a first account: find its servers, test the logins, write the config
    Init(init::Args),
    /// The console on a generated sample shop, no server needed
    Demo(console::DemoArgs),
    /// Fetch new mail and changes from the IMAP accounts into the local cache
    Sync(sync::Args),
    /// List tickets, most recently active first
    List(list::Args),
    /// Show one ticket with its messages
    Show(show::Args),
    /// Search messages in every ticket
    Search(search::Args),
    /// Answer a ticket: a canned reply, a file, or $EDITOR
    Reply(reply::Args),
    /// Answer every ticket a query matches with one template
    BulkReply(bulk::Args),
    /// Replies waiting to be sent, and what went wrong
    Outbox(outbox::Args),
    /// The shop's orders: import an export, show one
    Orders(orders::Args),
    /// A customer's tickets and orders; their note; merge two customers (and undo it)
    Customer(customer::Args),
    /// Set a ticket's status
    Status(verbs::StatusArgs),
    /// Give a ticket an owner (`none` to unassign)
    Assign(verbs::AssignArgs),
    /// Set how urgent a ticket is (low, normal, high, urgent), for service-level policies
    Priority(verbs::PriorityArgs),
    /// Add (+tag) and remove (-tag) tags
    Tag(verbs::TagArgs),
    /// Add an internal note to a ticket
    Note(verbs::NoteArgs),
    /// Move a message to another ticket, or to a new one (`new`)
    Move(corrections::MoveArgs),
    /// Split a ticket: the message and the ones after it become a new ticket
    Split(corrections::SplitArgs),
    /// Merge ticket A into ticket B; A's number keeps answering for B
    Merge(corrections::MergeArgs),
    /// Take back the last move, split or merge
    Undo(corrections::UndoArgs),
    /// Tickets approaching or past a service-level target
    Sla(sla::Args),
    /// Support KPIs over a window: volume, reply and resolution times, SLA, CSAT, backlog
    Report(report::Args),
    /// Canned replies: list, show, lint
    Templates(templates_cmd::Args),
    /// Print shell completions
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    Man,
}

/// Failures that map to exit code 2 rather than 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn main() -> ExitCode {
    let mut command = Cli::command();
    command.build();
    let args = argv::options_first(std::env::args_os().collect(), &command);
    let cli = Cli::parse_from(args);
    // The console logs to a file; a log line on stderr would tear through its screen.
    let console = matches!(cli.command, None | Some(Command::Demo(_)));
    let _log = if console { None } else { init_logging() };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let mut msg = format!("shopdesk: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            // an error can quote a server's reply or a header: it is cleaned like data
            let msg = crate::domain::sanitize::sanitize_text(&msg);
            let _ = writeln!(std::io::stderr(), "{msg}");
            if is_usage(&e) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = Context::new(cli.config, cli.db);
    match cli.command {
        None => console::console(&ctx, &cli.look),
        Some(Command::Init(a)) => init::run(&ctx, a),
        Some(Command::Demo(a)) => console::demo(&ctx, &cli.look, a),
        Some(Command::Sync(a)) => sync::run(&ctx, a),
        Some(Command::List(a)) => list::run(&ctx, a),
        Some(Command::Show(a)) => show::run(&ctx, a),
        Some(Command::Search(a)) => search::run(&ctx, a),
        Some(Command::Reply(a)) => reply::run(&ctx, a),
        Some(Command::BulkReply(a)) => bulk::run(&ctx, a),
        Some(Command::Outbox(a)) => outbox::run(&ctx, a),
        Some(Command::Orders(a)) => orders::run(&ctx, a),
        Some(Command::Customer(a)) => customer::run(&ctx, a),
        Some(Command::Status(a)) => verbs::status(&ctx, a),
        Some(Command::Assign(a)) => verbs::assign(&ctx, a),
        Some(Command::Priority(a)) => verbs::priority(&ctx, a),
        Some(Command::Tag(a)) => verbs::tag(&ctx, a),
        Some(Command::Note(a)) => verbs::note(&ctx, a),
        Some(Command::Move(a)) => corrections::move_message(&ctx, a),
        Some(Command::Split(a)) => corrections::split(&ctx, a),
        Some(Command::Merge(a)) => corrections::merge(&ctx, a),
        Some(Command::Undo(a)) => corrections::undo(&ctx, a),
        Some(Command::Sla(a)) => sla::run(&ctx, a),
        Some(Command::Report(a)) => report::run(&ctx, a),
        Some(Command::Templates(a)) => templates_cmd::run(&ctx, a),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "shopdesk",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Bad arguments or a bad query, also when found only by the store (a query too large for
/// SQLite): exit 2.
fn is_usage(e: &anyhow::Error) -> bool {
    e.downcast_ref::<UsageError>().is_some()
        || e.chain().any(|c| {
            c.downcast_ref::<crate::store::StoreError>()
                .is_some_and(crate::store::StoreError::is_usage)
        })
}

/// A reader that stopped reading (`| head`): not a failure. serde_json and csv wrap the
/// I/O error in their own, which `chain` does not look inside.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
            || c.downcast_ref::<csv::Error>().is_some_and(
                |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
    })
}

/// Logs go to stderr at warn level (SHOPDESK_LOG overrides), never to stdout, which is for data.
fn init_logging() -> Option<()> {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHOPDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let colour = colour_logs(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_target(false)
        .without_time()
        .try_init()
        .ok()
}

/// Colour in log lines only for a person at a terminal who has not set NO_COLOR
/// (no-color.org: any value but the empty string): never into a file, a pipe or CI logs.
fn colour_logs(stderr_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        let cases: &[(bool, Option<&str>, bool)] = &[
            (true, None, true),
            (true, Some(""), true),
            (true, Some("1"), false),
            (false, None, false),
            (false, Some("1"), false),
        ];
        for &(terminal, no_color, want) in cases {
            assert_eq!(
                super::colour_logs(terminal, no_color.map(OsStr::new)),
                want,
                "terminal {terminal}, NO_COLOR {no_color:?}"
            );
        }
    }

    #[test]
    fn a_closed_pipe_is_seen_inside_json_and_csv_errors() {
        use std::io::{Error, ErrorKind};
        let pipe = || Error::from(ErrorKind::BrokenPipe);
        let cases: Vec<(&str, anyhow::Error, bool)> = vec![
            ("io", pipe().into(), true),
            ("json", serde_json::Error::io(pipe()).into(), true),
            ("csv", csv::Error::from(pipe()).into(), true),
            (
                "with context",
                anyhow::Error::from(serde_json::Error::io(pipe())).context("writing"),
                true,
            ),
            (
                "other io",
                Error::from(ErrorKind::PermissionDenied).into(),
                false,
            ),
            ("other", anyhow::anyhow!("Broken pipe"), false),
        ];
        for (name, e, want) in cases {
            assert_eq!(super::is_broken_pipe(&e), want, "{name}");
        }
    }
}
