-- 0005: every change to a ticket as a typed event. `payload` is the change as JSON
-- (domain::ticket_change, tagged by "kind"), `source` where it came from (sync, history,
-- send, console, cli, mailout, demo). `kind` and `value` stay filled, so readers of the
-- old log keep working; rows written before this migration have no payload (they cannot
-- be replayed, and say so).
ALTER TABLE ticket_events ADD COLUMN source TEXT;
ALTER TABLE ticket_events ADD COLUMN payload TEXT;
