//! Options anywhere on the line. A query's words may start with `-` (`-status:solved`
//! negates a term), which clap would take for options, and a trailing list of words
//! would swallow `--json` after it. So before clap sees the line, the words of a command
//! that takes free words (`list`, `search`, `tag`, `note`) move behind a `--`, and its
//! options (known by name from the command's own definition) stay in front. A `--`
//! written by the user ends the options, as usual.

use std::collections::HashMap;
use std::ffi::OsString;

/// `args` (program name first) with the free words of the subcommand moved after `--`.
pub fn options_first(args: Vec<OsString>, cli: &clap::Command) -> Vec<OsString> {
    let root = options_of(cli);
    let mut i = 1;
    // Root options (and their values) up to the subcommand's name.
    let sub = loop {
        let Some(word) = args.get(i).and_then(|a| a.to_str()) else {
            return args;
        };
        if let Some(sub) = cli.find_subcommand(word) {
            break sub;
        }
        match option(word, &root) {
            Some(takes_value) => i += 1 + usize::from(takes_value),
            None => return args,
        }
    };
    if sub.has_subcommands() || !takes_free_words(sub) {
        return args;
    }
    let known = options_of(sub);
    let (mut options, mut words): (Vec<OsString>, Vec<OsString>) = (Vec::new(), Vec::new());
    let mut rest = args[i + 1..].iter();
    while let Some(arg) = rest.next() {
        let Some(word) = arg.to_str() else {
            words.push(arg.clone());
            continue;
        };
        if word == "--" {
            words.extend(rest.by_ref().cloned());
            break;
        }
        match option(word, &known) {
            Some(takes_value) => {
                options.push(arg.clone());
                if takes_value && let Some(value) = rest.next() {
                    options.push(value.clone());
                }
            }
            None => words.push(arg.clone()),
        }
    }
    let mut out: Vec<OsString> = args[..=i].to_vec();
    out.extend(options);
    if !words.is_empty() {
        out.push("--".into());
        out.extend(words);
    }
    out
}

/// Whether the command has a positional taking any number of words.
fn takes_free_words(cmd: &clap::Command) -> bool {
    cmd.get_positionals().any(|a| {
        a.get_num_args()
            .is_some_and(|n| n.max_values() == usize::MAX)
    })
}

/// The command's options by spelling (`--json`, `-y`), and whether each takes a value.
fn options_of(cmd: &clap::Command) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    for a in cmd.get_arguments().filter(|a| !a.is_positional()) {
        let takes = a.get_action().takes_values();
        for long in a.get_long_and_visible_aliases().into_iter().flatten() {
            out.insert(format!("--{long}"), takes);
        }
        for short in a.get_short_and_visible_aliases().into_iter().flatten() {
            out.insert(format!("-{short}"), takes);
        }
    }
    out.entry("--help".into()).or_insert(false);
    out.entry("-h".into()).or_insert(false);
    out
}

/// `Some(takes a value in the next word)` when `word` is one of `known`; `--name=value`
/// carries its value.
/// An unknown `--word` stays an option too, for clap to refuse: no query word starts
/// with two dashes.
fn option(word: &str, known: &HashMap<String, bool>) -> Option<bool> {
    if let Some((name, _)) = word.split_once('=')
        && name.starts_with("--")
    {
        return Some(false);
    }
    match known.get(word) {
        Some(takes) => Some(*takes),
        None => (word.starts_with("--") && word.len() > 2).then_some(false),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn rearranged(line: &str) -> String {
        let mut cmd = crate::cli::Cli::command();
        cmd.build();
        let args: Vec<OsString> = std::iter::once("shopdesk")
            .chain(line.split_whitespace())
            .map(OsString::from)
            .collect();
        options_first(args, &cmd)
            .iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn words_go_last_and_options_stay_anywhere() {
        #[rustfmt::skip]
        let cases = [
            ("list is:breaching --json", "list --json -- is:breaching"),
            ("list is:breaching --limit 100", "list --limit 100 -- is:breaching"),
            ("list --limit=3 a -tag:spam b --json", "list --limit=3 --json -- a -tag:spam b"),
            ("list -status:solved", "list -- -status:solved"),
            ("list -- -tag:spam --json", "list -- -tag:spam --json"),
            ("list", "list"),
            ("list a --nonsense b", "list --nonsense -- a b"),
            ("--db x.db list a --db y.db", "--db x.db list --db y.db -- a"),
            ("--config c.toml search 10300 --limit 3", "--config c.toml search --limit 3 -- 10300"),
            ("search refund --json from:anna", "search --json -- refund from:anna"),
            ("tag 5 +vip -old --db d", "tag --db d -- 5 +vip -old"),
            ("note 5 call back --help", "note --help -- 5 call back"),
            // commands without free words, and nested ones, are left to clap
            ("show 5 --json", "show 5 --json"),
            ("outbox list --json", "outbox list --json"),
            ("bulk-reply --query -tag:x --template t", "bulk-reply --query -tag:x --template t"),
            ("--color never", "--color never"),
        ];
        for (line, want) in cases {
            assert_eq!(rearranged(line), want, "{line}");
        }
    }
}
