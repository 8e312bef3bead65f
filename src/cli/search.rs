//! `shopdesk search QUERY [--json] [--limit N] [--sort best|newest]`: messages, best
//! match first or newest first.

use std::io::Write;
use std::process::ExitCode;

use crate::store::query_sql::{MessageOrder, message_search_in};
use crate::store::{read, search};

use super::json::write_json;
use super::output::terminal;
use super::ticket_json::MessageJson;
use super::{Context, query_args};
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
    /// Best text match first, or newest first (a search without text is always newest first)
    #[arg(long, value_enum, default_value_t = Sort::Best)]
    sort: Sort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    Best,
    Newest,
}

impl From<Sort> for MessageOrder {
    fn from(sort: Sort) -> MessageOrder {
        match sort {
            Sort::Best => MessageOrder::Best,
            Sort::Newest => MessageOrder::Newest,
        }
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let query = query_args::parse(&args.query.join(" "))?;
    let config = ctx.config_or_default()?;
    let store = ctx.store()?;
    let qctx = query_args::context(store.conn(), &config, &query)?;
    let ids = search::run_ids(
        store.conn(),
        &message_search_in(&query, &qctx, args.limit, args.sort.into()),
    )?;
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
