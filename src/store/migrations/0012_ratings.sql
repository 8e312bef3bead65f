-- 0012: CSAT/NPS by e-mail.
-- The install's secret that signs survey vote tokens: one row, made on first use from the
-- system's random source. It lives here rather than in a file of its own so that it moves,
-- is backed up and is protected (the database is created 0600) together with the tickets
-- whose tokens it signed.
CREATE TABLE install_secret (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Each ticket's rating, the last vote: what the `rating` events leave (a replay rebuilds it).
CREATE TABLE ticket_ratings (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('csat', 'nps')),
    score      TEXT NOT NULL,
    comment    TEXT,
    message_id TEXT NOT NULL,
    at         INTEGER NOT NULL
) STRICT;

-- Tickets whose customer was asked (in the solving reply or in a survey mail of its own):
-- a delayed survey goes only to a ticket that is not here.
CREATE TABLE ticket_surveys (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    asked_at   INTEGER NOT NULL
) STRICT;
