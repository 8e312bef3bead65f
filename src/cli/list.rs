//! `shopdesk list [QUERY] [--json] [--limit N]`

use std::io::Write;
use std::process::ExitCode;

use crate::domain::query::parse_query;
use crate::store::query_sql::{QueryContext, ticket_query};
use crate::store::{read, search};

use super::json::write_json;
use super::output::{age, terminal};
use super::ticket_json::TicketJson;
use super::{Context, UsageError};
use crate::ui::text::{Cut, fit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Query, e.g. 'status:open -tag:spam from:anna "where is"'
    #[arg(value_name = "QUERY", num_args = 0..)]
    query: Vec<String>,
    /// Print a JSON array of tickets
    #[arg(long)]
    json: bool,
    /// At most this many tickets
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
    let ids = search::run_ids(store.conn(), &ticket_query(&query, &qctx, args.limit, 0))?;
    let tickets = read::ticket_summaries(store.conn(), &ids)?;
    if args.json {
        let json: Vec<TicketJson> = tickets.iter().map(TicketJson::from).collect();
        write_json(std::io::stdout().lock(), &json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = terminal();
    let now = chrono::Utc::now();
    for t in &tickets {
        writeln!(
            out,
            "{:>6}  {}  {:>4}  {}  {}  {}",
            format!("#{}", t.id),
            fit(t.status.as_str(), 7, Cut::Ellipsis),
            age(t.updated_at, now),
            fit(t.customer.label(), 22, Cut::Ellipsis),
            fit(t.owner.as_deref().unwrap_or("-"), 8, Cut::Ellipsis),
            fit(&t.subject, 60, Cut::Ellipsis).trim_end(),
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
