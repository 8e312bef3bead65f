-- 0008: the order and tracking numbers each message names (domain::order_mention,
-- domain::tracking), so `order:N` matches a number exactly and a ticket's order is the
-- one its newest mail names. Kept per message: an agent's later choice of a ticket's
-- order overrides the rule without losing what the mail said.
CREATE TABLE message_orders (
    message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    number   TEXT NOT NULL COLLATE NOCASE,   -- as stored in orders.number (no '#')
    position INTEGER NOT NULL,               -- 0 for the first number the mail names
    PRIMARY KEY (message, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX message_orders_number ON message_orders(number);

CREATE TABLE message_tracking (
    message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    number   TEXT NOT NULL,                  -- compact, upper-case
    carrier  TEXT,                           -- the carrier's name, when known
    url      TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (message, number)
) STRICT, WITHOUT ROWID;

-- Mail stored before this migration: the next sync reads it for its numbers
-- (store::mail_orders::backfill), a batch at a time, and takes it off this list.
CREATE TABLE message_orders_pending (
    message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE
) STRICT;
INSERT INTO message_orders_pending SELECT id FROM messages WHERE direction != 'note';
