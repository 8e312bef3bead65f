//! What `sla` and `report` share: the config's policies, the tickets of a scope read from
//! the store, and each ticket assessed under its policy as of now.

use chrono::{DateTime, Utc};

use crate::domain::sla::BusinessCalendar;
use crate::domain::sla::levels::{Assessed, Level, assess};
use crate::store::query_sql::QueryContext;
use crate::store::timeline::{Scope, query_matches, records};

use super::Context;

pub struct Assessment {
    pub levels: Vec<Level>,
    pub tickets: Vec<Assessed>,
}

impl Assessment {
    /// The name of the policy a ticket falls under.
    pub fn policy(&self, a: &Assessed) -> Option<&str> {
        a.level
            .and_then(|i| self.levels.get(i))
            .map(|l| l.policy.name.as_str())
    }
}

pub fn load(ctx: &Context, scope: Scope, now: DateTime<Utc>) -> anyhow::Result<Assessment> {
    let config = ctx.config_or_default()?;
    let store = ctx.store()?;
    let levels = config.sla.levels();
    let qctx = QueryContext {
        agent: config.agent.clone(),
        now: now.timestamp(),
    };
    let matches = query_matches(store.conn(), &levels, &qctx)?;
    let shop = BusinessCalendar::from(&config.sla.hours);
    let tickets = assess(
        records(store.conn(), scope)?,
        &levels,
        &shop,
        now,
        (config.sla.repeat_window, config.sla.repeat_scope),
        |level, id| {
            matches
                .get(level)
                .and_then(Option::as_ref)
                .is_some_and(|set| set.contains(&id))
        },
    );
    Ok(Assessment { levels, tickets })
}
