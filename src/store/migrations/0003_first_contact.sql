-- 0003: the UIDNEXT each mailbox had when shopdesk first met it (or when its UIDVALIDITY
-- changed). Mail below it was already there: history, never acknowledged automatically,
-- however many runs the first sync takes.

ALTER TABLE mailboxes ADD COLUMN first_uidnext INTEGER;

-- Mailboxes synced before this column existed: what the cache holds is history, what
-- arrives from now on is news.
UPDATE mailboxes SET first_uidnext = coalesce(uidnext, 1) WHERE uidvalidity IS NOT NULL;
