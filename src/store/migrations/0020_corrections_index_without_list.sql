-- The partial index of threading corrections, with the same rows: SQLite evaluates an
-- index's condition on every insert, and an `IN` list of three or more values builds a
-- temporary table each time. Every ticket change is logged, so at a first sync of 100,000
-- messages that was 350,000 temporary tables; equalities joined by OR compile to jumps.
DROP INDEX ticket_events_corrections;
CREATE INDEX ticket_events_corrections ON ticket_events(id)
    WHERE kind = 'merge' OR kind = 'split' OR kind = 'unmerge';
