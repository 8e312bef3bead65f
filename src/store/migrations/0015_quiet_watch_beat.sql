-- 0015: a `sync --watch` beat where nothing moved reads a few index entries, not every
-- active ticket or every solved one.
--
-- Alerts are raised from the stored stages, so each row names its clock by when it
-- started (an alert is once per ticket, target, clock and stage). Rows stored before this
-- have no start: they are dropped with their stamp, and the next refresh rebuilds them
-- from the event log.
DELETE FROM sla_stages;
DELETE FROM sla_stages_built;
ALTER TABLE sla_stages ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;

-- Each rebuild of the rows gets the next number; the alert check notes the one it raised
-- from, so a beat after which the rows were not rebuilt has nothing new to raise.
ALTER TABLE sla_stages_built ADD COLUMN build INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sla_stages_built ADD COLUMN alerted_build INTEGER NOT NULL DEFAULT 0;

-- Delayed surveys look for tickets solved within a window of days: the solves by time,
-- holding what the check reads, instead of every solved ticket's status events grouped.
CREATE INDEX ticket_events_solves ON ticket_events(at, ticket_id, source)
    WHERE kind = 'status' AND value = 'solved';

-- Bad-vote alerts read the votes of the past week.
CREATE INDEX ticket_ratings_at ON ticket_ratings(at);
