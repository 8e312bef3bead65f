-- 0009: threading you can see and correct. `messages.placed_json` records why a message
-- is on its ticket (domain::threading::Placed: the rule, what it matched, its doubts);
-- NULL for mail stored before, which keeps only `placed_by`. `tickets.merged_into` is set
-- on a ticket merged into another: it leaves the lists, keeps its row and its log, and
-- its number answers for the survivor (store::corrections::survivor).
ALTER TABLE messages ADD COLUMN placed_json TEXT;
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id);
CREATE INDEX tickets_merged_into ON tickets(merged_into) WHERE merged_into IS NOT NULL;
-- `undo` reads the corrections back, newest last, without scanning the whole log.
CREATE INDEX ticket_events_corrections ON ticket_events(id)
    WHERE kind IN ('merge', 'split', 'unmerge');
