//! The `:` command palette speaks the CLI's verbs.

use crate::domain::{Priority, Status, TicketId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteCommand {
    Status(Status),
    Assign(Option<String>),
    /// `:priority high`: how urgent the ticket is (low, normal, high, urgent).
    Priority(Priority),
    Tag(Vec<String>, Vec<String>),
    Note(String),
    /// `:reply`: the composer; `:reply NAME`: that template to the marked tickets (or the
    /// highlighted one), previewed first.
    Reply(Option<String>),
    Quit,
    /// `:merge 12`: the open ticket into #12.
    Merge(TicketId),
    /// `:split [MSG]`: at message MSG, or the selected one.
    Split(Option<i64>),
    /// `:move [MSG] TICKET|new`: message MSG (or the selected one) to a ticket (`None`: a
    /// new one).
    Move(Option<i64>, Option<TicketId>),
    /// `:undo`: the last merge, split or move.
    Undo,
    /// Keeps the list's query as a view named so.
    Save(String),
    /// Opens the report screen.
    Report,
    /// `:merge` alone: the marked tickets into the highlighted one.
    MergeMarked,
    /// `:mark-all`: every ticket of the list.
    MarkAll,
    /// `:unmark`: no ticket marked.
    Unmark,
}

pub const COMMANDS: &[&str] = &[
    "status", "assign", "priority", "tag", "note", "reply", "merge", "split", "move", "undo",
    "save", "report", "mark-all", "unmark", "quit",
];

/// `:status pending`, `:assign bob` (`me`, `none`), `:priority high`, `:tag +wismo -old`,
/// `:note text`,
/// `:merge 12`, `:split`, `:move 12`, `:move 57 new`, `:undo`; for marked tickets
/// `:reply NAME`, `:merge`, `:mark-all`, `:unmark`.
pub fn parse_command(input: &str, agent: &str) -> Result<PaletteCommand, String> {
    let input = input.trim().trim_start_matches(':');
    let (verb, rest) = input.split_once(' ').unwrap_or((input, ""));
    let rest = rest.trim();
    match verb {
        "status" | "s" => rest
            .parse::<Status>()
            .map(PaletteCommand::Status)
            .map_err(|_| format!("unknown status '{rest}': new, open, pending, solved or closed")),
        "priority" | "pri" => rest.parse::<Priority>().map(PaletteCommand::Priority),
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
        "reply" | "r" if rest.is_empty() => Ok(PaletteCommand::Reply(None)),
        "reply" | "r" => Ok(PaletteCommand::Reply(Some(rest.to_string()))),
        "merge" if rest.is_empty() => Ok(PaletteCommand::MergeMarked),
        "mark-all" => Ok(PaletteCommand::MarkAll),
        "unmark" => Ok(PaletteCommand::Unmark),
        "merge" => match number(rest) {
            Some(n) => Ok(PaletteCommand::Merge(n)),
            None => Err("merge into which ticket? e.g. :merge 12".into()),
        },
        "split" => match rest {
            "" => Ok(PaletteCommand::Split(None)),
            m => number(m)
                .map(|m| PaletteCommand::Split(Some(m)))
                .ok_or_else(|| format!("'{m}' is not a message number")),
        },
        "move" => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let (message, to) = match words.as_slice() {
                [to] => (None, *to),
                [m, to] => (
                    Some(number(m).ok_or_else(|| format!("'{m}' is not a message number"))?),
                    *to,
                ),
                _ => return Err("move to which ticket? e.g. :move 12, :move new".into()),
            };
            let to = if to.eq_ignore_ascii_case("new") {
                None
            } else {
                Some(number(to).ok_or_else(|| format!("'{to}' is not a ticket number"))?)
            };
            Ok(PaletteCommand::Move(message, to))
        }
        "undo" => Ok(PaletteCommand::Undo),
        "save" if !rest.is_empty() => Ok(PaletteCommand::Save(rest.to_string())),
        "save" => Err("save as what? e.g. :save VIP".into()),
        "report" => Ok(PaletteCommand::Report),
        "quit" | "q" => Ok(PaletteCommand::Quit),
        "" => Err(format!("type a command: {}", COMMANDS.join(", "))),
        other => Err(format!(
            "unknown command '{other}'; commands are {}",
            COMMANDS.join(", ")
        )),
    }
}

/// A ticket or message number, `#` allowed.
fn number(s: &str) -> Option<i64> {
    s.trim()
        .trim_start_matches('#')
        .parse()
        .ok()
        .filter(|n: &i64| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_parse() {
        use PaletteCommand::*;
        #[rustfmt::skip]
        let cases: &[(&str, Result<PaletteCommand, &str>)] = &[
            (":priority urgent", Ok(Priority(crate::domain::Priority::Urgent))),
            ("pri High", Ok(Priority(crate::domain::Priority::High))),
            ("priority asap", Err("`asap`: use low, normal, high or urgent")),
            (":merge 12", Ok(Merge(12))),
            ("merge #12", Ok(Merge(12))),
            ("merge", Ok(MergeMarked)),
            ("merge x", Err("merge into which ticket? e.g. :merge 12")),
            ("split", Ok(Split(None))),
            ("split 57", Ok(Split(Some(57)))),
            ("split x", Err("'x' is not a message number")),
            ("move 12", Ok(Move(None, Some(12)))),
            ("move new", Ok(Move(None, None))),
            ("move 57 NEW", Ok(Move(Some(57), None))),
            ("move 57 #12", Ok(Move(Some(57), Some(12)))),
            ("move", Err("move to which ticket? e.g. :move 12, :move new")),
            ("move x 12", Err("'x' is not a message number")),
            ("move 5 nowhere", Err("'nowhere' is not a ticket number")),
            ("undo", Ok(Undo)),
            ("report", Ok(Report)),
            (":report", Ok(Report)),
            ("reply", Ok(Reply(None))),
            ("reply sizing", Ok(Reply(Some("sizing".into())))),
            ("mark-all", Ok(MarkAll)),
            ("unmark", Ok(Unmark)),
        ];
        for (input, want) in cases {
            let got = parse_command(input, "alice");
            assert_eq!(got, want.clone().map_err(str::to_string), "{input}");
        }
    }
}
