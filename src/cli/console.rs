//! `shopdesk` (the console) and `shopdesk demo`.

use std::process::ExitCode;

use crate::console::{Options, run};
use crate::ui::theme::ColorMode;

use super::{Context, UsageError};

#[derive(Debug, Clone, clap::Args)]
pub struct LookArgs {
    /// Theme: dark, light, high-contrast, or one in ~/.config/shopdesk/themes
    #[arg(long, global = true, value_name = "NAME", default_value = "dark")]
    pub theme: String,
    /// Colours: auto, always, never, truecolor, 256 or 16 (NO_COLOR is honoured)
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: String,
    /// Leave the mouse to the terminal (also `[console] mouse = false` in the config)
    #[arg(long, global = true)]
    pub no_mouse: bool,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// How many tickets the sample shop has
    #[arg(long, default_value_t = 300)]
    tickets: usize,
}

/// The console draws on a terminal and reads keys from it; without one (a pipe, cron,
/// `ssh host shopdesk` without -t) it says so instead of failing on the first write.
fn needs_terminal() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(UsageError(
        "the console needs a terminal (run it in one, or `ssh -t`); for scripts use \
         `shopdesk list`, `show`, `search`, `reply` (see `shopdesk --help`)"
            .into(),
    )
    .into())
}

fn color(look: &LookArgs) -> anyhow::Result<ColorMode> {
    ColorMode::detect(&look.color).map_err(|e| UsageError(e).into())
}

/// Logs to the private, size-bounded `shopdesk.log` in the state folder (see `log_file`).
fn init_file_log() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let file = super::log_file::LogFile::open(&crate::config::state_dir()).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHOPDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

pub fn console(ctx: &Context, look: &LookArgs) -> anyhow::Result<ExitCode> {
    let color = color(look)?;
    needs_terminal()?;
    let mut config = ctx.config_or_default()?;
    config.console.mouse &= !look.no_mouse;
    let _log = init_file_log();
    let title = config
        .shop
        .name
        .clone()
        .or_else(|| config.accounts.first().map(|a| a.email.clone()))
        .unwrap_or_else(|| "no accounts configured".into());
    run(Options {
        db: ctx.db_path.clone(),
        config,
        title,
        theme: look.theme.clone(),
        color,
        demo: false,
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn demo(ctx: &Context, look: &LookArgs, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let color = color(look)?;
    needs_terminal()?;
    let agent = "you";
    let mut config = crate::demo::config(agent);
    config.console.mouse &= !look.no_mouse;
    // A temporary database unless --db names one (kept for a second look).
    let tmp = tempfile::tempdir()?;
    let db = if ctx.explicit_db {
        ctx.db_path.clone()
    } else {
        tmp.path().join("demo.db")
    };
    let _log = init_file_log();
    eprintln!("generating a sample shop with {} tickets…", args.tickets);
    crate::demo::generate(&db, &config, args.tickets, crate::store::now_unix())?;
    run(Options {
        db,
        config,
        title: "Nordic Boots (demo)".into(),
        theme: look.theme.clone(),
        color,
        demo: true,
    })?;
    Ok(ExitCode::SUCCESS)
}
