//! The `:` command palette speaks the CLI's verbs.

use crate::domain::Status;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteCommand {
    Status(Status),
    Assign(Option<String>),
    Tag(Vec<String>, Vec<String>),
    Note(String),
    Reply,
    Quit,
    /// Keeps the list's query as a view named so.
    Save(String),
}

pub const COMMANDS: &[&str] = &["status", "assign", "tag", "note", "reply", "save", "quit"];

/// `:status pending`, `:assign bob` (`me`, `none`), `:tag +wismo -old`, `:note text`.
pub fn parse_command(input: &str, agent: &str) -> Result<PaletteCommand, String> {
    let input = input.trim().trim_start_matches(':');
    let (verb, rest) = input.split_once(' ').unwrap_or((input, ""));
    let rest = rest.trim();
    match verb {
        "status" | "s" => rest
            .parse::<Status>()
            .map(PaletteCommand::Status)
            .map_err(|_| format!("unknown status '{rest}': new, open, pending, solved or closed")),
        "assign" | "a" => match rest {
            "" => Err("assign to whom? e.g. :assign bob, :assign me, :assign none".into()),
            "me" => Ok(PaletteCommand::Assign(Some(agent.to_string()))),
            "none" => Ok(PaletteCommand::Assign(None)),
            who => Ok(PaletteCommand::Assign(Some(who.to_string()))),
        },
        "tag" | "t" => {
            let (mut add, mut remove) = (Vec::new(), Vec::new());
            for t in rest.split_whitespace() {
                match t.strip_prefix('-') {
                    Some(r) if !r.is_empty() => remove.push(r.to_string()),
                    Some(_) => return Err("empty tag after '-'".into()),
                    None => add.push(t.trim_start_matches('+').to_string()),
                }
            }
            if add.is_empty() && remove.is_empty() {
                return Err("which tags? e.g. :tag +wismo -old".into());
            }
            Ok(PaletteCommand::Tag(add, remove))
        }
        "note" | "n" if !rest.is_empty() => Ok(PaletteCommand::Note(rest.to_string())),
        "note" | "n" => Err("the note is empty".into()),
        "reply" | "r" => Ok(PaletteCommand::Reply),
        "save" if !rest.is_empty() => Ok(PaletteCommand::Save(rest.to_string())),
        "save" => Err("save as what? e.g. :save VIP".into()),
        "quit" | "q" => Ok(PaletteCommand::Quit),
        "" => Err("type a command: status, assign, tag, note, reply, quit".into()),
        other => Err(format!(
            "unknown command '{other}'; commands are {}",
            COMMANDS.join(", ")
        )),
    }
}
