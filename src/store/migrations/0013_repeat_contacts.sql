-- 0013: repeat contacts kept as marks, so `is:repeat` is an indexed lookup and not the
-- rule run over every ticket of every customer at query time. The marks are rebuilt when
-- they are stale: when an event or a ticket came after the ones they were built from, or
-- the rule (window, scope) changed.
CREATE TABLE repeat_contacts (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE
) STRICT;

-- What the marks were built from; one row.
CREATE TABLE repeat_contacts_built (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_event  INTEGER NOT NULL,
    last_ticket INTEGER NOT NULL,
    window_s    INTEGER NOT NULL,
    scope       TEXT NOT NULL
) STRICT;
