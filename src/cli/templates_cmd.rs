//! `shopdesk templates [list | show NAME [--lang L] | lint]`

use std::io::Write;
use std::process::ExitCode;

use crate::templates::RenderContext;

use super::Context;
use super::reply::load_templates;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Every template and its languages
    List,
    /// A template rendered with sample values
    Show {
        name: String,
        #[arg(long, value_name = "LANG")]
        lang: Option<String>,
    },
    /// Check every template: syntax, variables, a sample render
    Lint,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let config = ctx.config_or_default()?;
    let templates = load_templates(&config)?;
    let mut out = std::io::stdout().lock();
    match args.action.unwrap_or(Action::List) {
        Action::List => {
            for name in templates.names() {
                writeln!(out, "{name:<16} {}", templates.languages(name).join(" "))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Show { name, lang } => {
            let t = templates.pick(&name, lang.as_deref())?;
            let r = t.render(&RenderContext::sample())?;
            writeln!(out, "# {} ({})", t.file, r.language)?;
            if let Some(s) = &r.subject {
                writeln!(out, "Subject: {s}")?;
            }
            if let Some(s) = r.status {
                writeln!(out, "Status after sending: {}", s.as_str())?;
            }
            if !r.tags.is_empty() {
                writeln!(out, "Tags: {}", r.tags.join(", "))?;
            }
            writeln!(out, "\n{}", r.body)?;
            Ok(ExitCode::SUCCESS)
        }
        Action::Lint => {
            let errors = templates.lint();
            for e in &errors {
                eprintln!("shopdesk: {e}");
            }
            let n = templates.all().count();
            if errors.is_empty() {
                eprintln!("{n} templates ok");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} of {n} templates have errors", errors.len());
                Ok(ExitCode::from(1))
            }
        }
    }
}
