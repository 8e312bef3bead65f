//! `shopdesk search QUERY [--json]`: messages ranked by relevance.

use std::io::Write;
use std::process::ExitCode;

use crate::domain::query::parse_query;
use crate::store::query_sql::{QueryContext, message_search};
use crate::store::{read, search};

use super::json::write_json;
use super::output::terminal;
use super::ticket_json::MessageJson;
use super::{Context, UsageError};
use crate::ui::text::{Cut, fit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Query, e.g. 'refund from:anna after:30d'
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    query: Vec<String>,
    /// Print a JSON array of messages (each with ticket_id)
    #[arg(long)]
    json: bool,
    /// At most this many messages
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: usize,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let input = args.query.join(" ");
    let query = parse_query(&input)
        .map_err(|e| UsageError(format!("bad query: {e}\n{}", e.render_caret(&input))))?;
    let config = ctx.config_or_default()?;
    let store = ctx.store()?;
    crate::worker::service_levels::refresh_for(store.conn(), &config, &query, chrono::Utc::now())?;
    let qctx = QueryContext {
        agent: config.agent.clone(),
        now: chrono::Utc::now().timestamp(),
    };
    let ids = search::run_ids(store.conn(), &message_search(&query, &qctx, args.limit))?;
    let hits = read::messages(store.conn(), &ids)?;
    if args.json {
        let json: Vec<MessageJson> = hits.iter().map(MessageJson::from).collect();
        write_json(std::io::stdout().lock(), &json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = terminal();
    for m in &hits {
        writeln!(
            out,
            "{:>6}  {}  {}  {}",
            m.ticket_id.map_or("-".into(), |t| format!("#{t}")),
            m.date.format("%Y-%m-%d"),
            fit(m.from.email.as_deref().unwrap_or("?"), 26, Cut::Ellipsis),
            fit(&m.subject, 60, Cut::Ellipsis).trim_end()
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
