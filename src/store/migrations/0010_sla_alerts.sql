-- 0010: the service-level alerts already raised, one per clock (a ticket's target and when
-- that clock started: each next reply has its own) and stage, so a restarted
-- `sync --watch` does not raise them again.
CREATE TABLE sla_alerts (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    target     TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    stage      TEXT NOT NULL,
    alerted_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, target, started_at, stage)
) STRICT, WITHOUT ROWID;

-- Timelines for reports read each message's ticket, date and direction: an index that holds
-- all three is read instead of the message rows with their bodies.
CREATE INDEX messages_ticket_direction ON messages(ticket_id, date, direction);

-- And each ticket's creation and status changes, from an index that holds what is read.
CREATE INDEX ticket_events_status ON ticket_events(kind, ticket_id, at, value, source)
    WHERE kind IN ('created', 'status');
