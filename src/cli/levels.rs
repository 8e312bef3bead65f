//! What `sla` and `report` share: the tickets of a scope assessed under the config's
//! policies as of now.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::sla::levels::{Assessed, Level};
use crate::store::timeline::Scope;
use crate::worker::service_levels::assess_tickets;

use super::Context;

pub struct Assessment {
    pub levels: Vec<Level>,
    pub tickets: Vec<Assessed>,
}

pub fn load(
    ctx: &Context,
    config: &Config,
    scope: Scope,
    now: DateTime<Utc>,
) -> anyhow::Result<Assessment> {
    let store = ctx.store()?;
    let (levels, tickets) = assess_tickets(store.conn(), config, scope, now)?;
    Ok(Assessment { levels, tickets })
}
