//! The service-level counter in the status bar and the bell: what the loader last said
//! about the stored stages, when to ask again (they move with time, so also on a quiet
//! screen), and whether a ticket has newly reached breached since the last answer.

use std::collections::BTreeSet;

use super::{App, Effect};
use crate::domain::TicketId;

/// How often a quiet console asks for the stages again, in seconds: a stage shows at most
/// this late. The store rebuilds them only when a clock has changed stage (or data came),
/// so most asks are a cheap read.
pub const ASK_EVERY_S: i64 = 30;

/// The stages at a glance, as `is:breaching` and `is:approaching` count them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaCounts {
    /// Tickets with a breached clock.
    pub breached: BTreeSet<TicketId>,
    /// Tickets with an approaching clock and none breached.
    pub approaching: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaWatch {
    /// The last answer; none before the first.
    pub counts: Option<SlaCounts>,
    /// Ring the terminal bell when a ticket newly reaches breached (`[sla] bell`).
    pub bell: bool,
    /// When the stages were last asked for.
    pub asked_at: Option<i64>,
}

impl App {
    /// Asks for the stages now.
    pub(super) fn load_sla(&mut self) -> Effect {
        self.sla.asked_at = Some(self.now);
        Effect::LoadSla
    }
}

/// On a tick: asks again once [`ASK_EVERY_S`] have gone by since the last time.
pub(super) fn on_tick(app: &mut App) -> Option<Effect> {
    let due = app
        .sla
        .asked_at
        .is_none_or(|t| app.now - t >= ASK_EVERY_S || app.now < t);
    due.then(|| app.load_sla())
}

/// Takes in an answer. The bell rings once for a ticket breached now that was not in the
/// answer before; the first answer only says how things stand when the console opens.
pub(super) fn on_loaded(app: &mut App, counts: SlaCounts) -> Vec<Effect> {
    let newly = app
        .sla
        .counts
        .as_ref()
        .is_some_and(|before| !counts.breached.is_subset(&before.breached));
    app.sla.counts = Some(counts);
    if newly && app.sla.bell {
        vec![Effect::Bell]
    } else {
        Vec::new()
    }
}
