-- 0011: when the shop's order_lookup_cmd was last asked about a number or an e-mail, and
-- which orders it answered with: a lookup younger than order_lookup_max_age is not run
-- again, and its age is shown beside what it found.
CREATE TABLE order_lookups (
    key     TEXT PRIMARY KEY,            -- an order number (without '#') or a lower-cased e-mail
    at      INTEGER NOT NULL,
    numbers TEXT NOT NULL DEFAULT '[]'   -- JSON array of the order numbers it answered with
) STRICT;
