-- 0014: each active ticket's service-level stages kept as rows, so `is:breaching`,
-- `is:approaching` and the console's counter are indexed lookups and not every clock run
-- at query time. One row per ticket and target at its worst stage. Stages move with time
-- as well as with events, so the rows are rebuilt when an event or a ticket came after the
-- ones they were built from, the policies changed, or the time comes when a running clock
-- changes stage (`valid_until`, at most ten minutes after the build).
CREATE TABLE sla_stages (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    target    TEXT NOT NULL,
    stage     TEXT NOT NULL CHECK (stage IN ('approaching', 'breached')),
    due_at    INTEGER,
    policy    TEXT NOT NULL,
    PRIMARY KEY (ticket_id, target)
) STRICT;

CREATE INDEX sla_stages_by_stage ON sla_stages (stage, ticket_id);

-- What the rows were built from; one row. `policies` = 0 means no policy is configured:
-- `is:breaching` then keeps the first-response due time sync sets.
CREATE TABLE sla_stages_built (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_event  INTEGER NOT NULL,
    last_ticket INTEGER NOT NULL,
    rules       TEXT NOT NULL,
    policies    INTEGER NOT NULL,
    built_at    INTEGER NOT NULL,
    valid_until INTEGER NOT NULL
) STRICT;
