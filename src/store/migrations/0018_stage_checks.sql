-- 0018: the stored stages are brought up to date per ticket, not rebuilt wholesale. A
-- clock changes stage with time as well as with events, so each active ticket whose
-- stages may still move by themselves keeps the moment to look at it again: the next
-- threshold or breach of a running clock, the next event dated ahead of the build, or a
-- bounded wait when the calendar cannot say. A refresh re-assesses the tickets whose
-- events came since the last build and those whose moment has come.
CREATE TABLE sla_stage_checks (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    at        INTEGER NOT NULL
) STRICT;

CREATE INDEX sla_stage_checks_at ON sla_stage_checks (at, ticket_id);

-- Rows built before this have no checks: drop them with their stamp, so the next refresh
-- is a full build that writes both.
DELETE FROM sla_stages;
DELETE FROM sla_stages_built;
