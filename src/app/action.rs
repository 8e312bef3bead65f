//! Named actions: what keys are bound to (keymaps/*.toml) and what `update` understands.

macro_rules! actions {
    ($($variant:ident => $name:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }

            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name),*
                }
            }
        }
    };
}

actions! {
    Quit => "quit",
    Help => "help",
    Palette => "palette",
    Search => "search",
    NextPane => "next_pane",
    PrevPane => "prev_pane",
    Down => "down",
    Up => "up",
    Top => "top",
    Bottom => "bottom",
    PageDown => "page_down",
    PageUp => "page_up",
    Open => "open",
    Back => "back",
    Reply => "reply",
    ToggleQuotes => "toggle_quotes",
    Refresh => "refresh",
    UndoSend => "undo_send",
    AssignMe => "assign_me",
    StatusPending => "status_pending",
    StatusSolved => "status_solved",
    Send => "send",
    PickTemplate => "pick_template",
    Editor => "editor",
    SaveAttachments => "save_attachments",
    CycleStatus => "cycle_status",
    NextOrder => "next_order",
    TogglePlacement => "toggle_placement",
    NextMessage => "next_message",
    PrevMessage => "prev_message",
    PromptMerge => "prompt_merge",
    PromptMove => "prompt_move",
    SplitHere => "split_here",
    UndoCorrection => "undo_correction",
    Report => "report",
    NextPeriod => "next_period",
    PrevPeriod => "prev_period",
    NextDimension => "next_dimension",
    PrevDimension => "prev_dimension",
    ToggleMark => "toggle_mark",
    VisualMark => "visual_mark",
    MarkAll => "mark_all",
    ClearMarks => "clear_marks",
    Confirm => "confirm",
}
