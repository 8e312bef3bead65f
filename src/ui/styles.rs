//! The styles a theme names and the views use: one variant each, so a view cannot ask for
//! a style no theme defines, and a theme file's unknown key is an error, not a silent miss.
//! A dotted name falls back to its parent (`border.focused` → `border`), then to `base`;
//! the parents (`status`, `sla`, ...) may be set in a theme file for a whole group.

use crate::domain::Status;

macro_rules! style_names {
    ($($variant:ident => $name:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum StyleName { $($variant),* }

        impl StyleName {
            pub const ALL: &'static [StyleName] = &[$(StyleName::$variant),*];

            /// The key in a theme's `[styles]` table.
            pub fn name(self) -> &'static str {
                match self {
                    $(StyleName::$variant => $name),*
                }
            }
        }
    };
}

style_names! {
    Base => "base",
    Border => "border",
    BorderFocused => "border.focused",
    Title => "title",
    ListSelected => "list.selected",
    ListHeader => "list.header",
    QueueSelected => "queue.selected",
    QueueCount => "queue.count",
    StatusNew => "status.new",
    StatusOpen => "status.open",
    StatusPending => "status.pending",
    StatusSolved => "status.solved",
    StatusClosed => "status.closed",
    SlaBreaching => "sla.breaching",
    SlaSoon => "sla.soon",
    SlaOk => "sla.ok",
    MessageHeader => "message.header",
    MessageOut => "message.out",
    MessageNote => "message.note",
    Quote => "quote",
    Warning => "warning",
    HintKey => "hint.key",
    HintDesc => "hint.desc",
    Statusbar => "statusbar",
    Error => "error",
    Input => "input",
}

impl StyleName {
    /// The style of a ticket status.
    pub fn status(s: Status) -> StyleName {
        match s {
            Status::New => StyleName::StatusNew,
            Status::Open => StyleName::StatusOpen,
            Status::Pending => StyleName::StatusPending,
            Status::Solved => StyleName::StatusSolved,
            Status::Closed => StyleName::StatusClosed,
        }
    }

    /// The style of a status as the store spells it; `base` for one it does not know.
    pub fn status_named(s: &str) -> StyleName {
        s.parse().map_or(StyleName::Base, StyleName::status)
    }

    /// The names tried for this style, most specific first (`base` last).
    pub fn fallbacks(self) -> impl Iterator<Item = &'static str> {
        let name = self.name();
        std::iter::successors(Some(name), |n| n.rfind('.').map(|i| &n[..i])).chain(["base"])
    }

    /// Whether a theme file may set `key`: a style's name, or a group above some (`status`).
    pub fn is_key(key: &str) -> bool {
        StyleName::ALL
            .iter()
            .any(|s| s.fallbacks().any(|name| name == key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_fall_back_to_their_parents_then_base() {
        let cases: &[(StyleName, &[&str])] = &[
            (StyleName::Base, &["base", "base"]),
            (StyleName::Quote, &["quote", "base"]),
            (
                StyleName::BorderFocused,
                &["border.focused", "border", "base"],
            ),
            (
                StyleName::StatusPending,
                &["status.pending", "status", "base"],
            ),
        ];
        for (style, want) in cases {
            assert_eq!(style.fallbacks().collect::<Vec<_>>(), *want, "{style:?}");
        }
    }

    #[test]
    fn theme_keys_are_style_names_and_their_groups() {
        let cases = [
            ("list.selected", true),
            ("status", true),
            ("sla", true),
            ("base", true),
            ("list.selceted", false),
            ("status.pending.extra", false),
            ("", false),
            ("Border", false),
        ];
        for (key, want) in cases {
            assert_eq!(StyleName::is_key(key), want, "{key}");
        }
    }

    #[test]
    fn every_status_has_its_style() {
        for s in Status::ALL {
            assert_eq!(
                StyleName::status(s).name(),
                format!("status.{}", s.as_str())
            );
            assert_eq!(StyleName::status_named(s.as_str()), StyleName::status(s));
        }
        assert_eq!(StyleName::status_named("spam"), StyleName::Base);
    }
}
