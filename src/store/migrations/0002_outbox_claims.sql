-- 0002: the outbox as a claimed queue. A sender takes a row (state 'sending', its name, a
-- lease) before any network I/O; only the claimant moves it on, and every mark it writes
-- is conditional on still holding the claim, so a cancel or a second sender cannot be
-- overwritten. The points a crash must know about are each recorded: `data_at` (the
-- last check passed, the content is going out: too late to cancel), `content_at` (content
-- and final dot reached the server), `delivered_at` (the server answered the dot with
-- 250), `filing_at` (the APPEND of the Sent copy began), `appended` (the copy is filed).
-- `kind` is checked by the domain type, not here, so new kinds of outgoing mail (notices,
-- surveys, review requests) need no table rebuild.

CREATE TABLE outbox_v2 (
    id             INTEGER PRIMARY KEY,
    account        TEXT NOT NULL,
    ticket_id      INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    answers        INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    message_id     TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL DEFAULT 'reply',
    envelope_from  TEXT NOT NULL,
    recipients_json TEXT NOT NULL,
    subject        TEXT NOT NULL,
    raw            BLOB NOT NULL,
    status_after   TEXT,
    state          TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued','sending','sent','failed','cancelled')),
    not_before     INTEGER NOT NULL,      -- undo window, pacing of a bulk, retry backoff
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    permanent      INTEGER NOT NULL DEFAULT 0, -- the server refused for good (5xx): no retry
    agent          TEXT,
    dedupe_key     TEXT UNIQUE,
    created_at     INTEGER NOT NULL,
    sent_at        INTEGER,
    claimed_by     TEXT,                  -- the sender holding the row while 'sending'
    lease_until    INTEGER,               -- when that claim lapses if its holder vanished
    data_at        INTEGER,               -- content going out after DATA (no cancel after it)
    content_at     INTEGER,               -- content and final dot flushed to the server
    delivered_at   INTEGER,               -- the server accepted the content (250 after the dot)
    smtp_reply     TEXT,                  -- that answer, e.g. "2.0.0 Ok: queued as 4Xy"
    filing_at      INTEGER,               -- APPEND of the Sent copy begun
    appended       INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A row handed over under the old scheme (content sent, answer not recorded) keeps that
-- meaning as `content_at`.
INSERT INTO outbox_v2 (id, account, ticket_id, answers, message_id, kind, envelope_from,
    recipients_json, subject, raw, status_after, state, not_before, attempts, last_error,
    agent, dedupe_key, created_at, sent_at, data_at, content_at, delivered_at, appended)
SELECT id, account, ticket_id, answers, message_id, kind, envelope_from,
    recipients_json, subject, raw, status_after, state, not_before, attempts, last_error,
    agent, dedupe_key, created_at, sent_at, handed_at, handed_at, delivered_at, appended
  FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(state, not_before);
CREATE INDEX outbox_ticket ON outbox(ticket_id);
-- Sends of the last minute per account: the rate limit, whoever sends.
CREATE INDEX outbox_data_at ON outbox(account, data_at) WHERE data_at IS NOT NULL;
