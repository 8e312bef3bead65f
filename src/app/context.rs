//! Where keys are read: the pane or overlay that has focus. Keymap tables are named after
//! these (`[list]`, `[composer]`, ...); a name that is none of them is an error there.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Keys that work everywhere unless the focused context binds them.
    Global,
    Queues,
    List,
    Thread,
    Composer,
    Picker,
    Search,
    Palette,
    Help,
    /// The report screen.
    Report,
    /// A bulk action's preview.
    Confirm,
}

impl Context {
    pub const ALL: [Context; 11] = [
        Context::Global,
        Context::Queues,
        Context::List,
        Context::Thread,
        Context::Composer,
        Context::Picker,
        Context::Search,
        Context::Palette,
        Context::Help,
        Context::Report,
        Context::Confirm,
    ];

    /// The keymap table's name.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queues => "queues",
            Context::List => "list",
            Context::Thread => "thread",
            Context::Composer => "composer",
            Context::Picker => "picker",
            Context::Search => "search",
            Context::Palette => "palette",
            Context::Help => "help",
            Context::Report => "report",
            Context::Confirm => "confirm",
        }
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_context_reads_back_from_its_name() {
        for c in Context::ALL {
            assert_eq!(Context::from_name(c.name()), Some(c));
        }
        for bad in ["", "lists", "Global", "global "] {
            assert_eq!(Context::from_name(bad), None, "{bad:?}");
        }
    }
}
