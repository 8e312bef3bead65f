-- 0001: mailboxes and their sync cursors, messages and their IMAP locations, raw sources,
-- customers and their addresses, tickets, tags, the ticket change log, full-text search.

CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY,
    account       TEXT NOT NULL,
    name          TEXT NOT NULL,          -- decoded (UTF-8) name
    uidvalidity   INTEGER,
    uidnext       INTEGER,                -- every uid below it has been fetched
    highestmodseq INTEGER,
    synced_at     INTEGER,
    UNIQUE (account, name)
) STRICT;

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT,
    language   TEXT,
    notes      TEXT,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE customer_addresses (
    email       TEXT PRIMARY KEY,         -- lower-cased
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY,
    account            TEXT NOT NULL,
    subject            TEXT NOT NULL,
    normalized_subject TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new','open','pending','solved','closed')),
    customer_id        INTEGER REFERENCES customers(id),
    owner              TEXT,
    priority           INTEGER NOT NULL DEFAULT 0,
    language           TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    last_customer_at   INTEGER,
    first_response_at  INTEGER,
    due_at             INTEGER,
    message_count      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX tickets_status_updated ON tickets(status, updated_at DESC);
CREATE INDEX tickets_updated ON tickets(updated_at DESC);
CREATE INDEX tickets_customer_subject ON tickets(customer_id, normalized_subject, updated_at);
CREATE INDEX tickets_owner ON tickets(owner);
CREATE INDEX tickets_due ON tickets(due_at) WHERE due_at IS NOT NULL;

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag);

-- One row per logical message (deduplicated by Message-ID within an account).
CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    account        TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    ticket_id      INTEGER REFERENCES tickets(id),
    direction      TEXT NOT NULL CHECK (direction IN ('in','out','note')),
    from_email     TEXT,
    from_name      TEXT,
    to_json        TEXT NOT NULL DEFAULT '[]',
    cc_json        TEXT NOT NULL DEFAULT '[]',
    reply_to_json  TEXT NOT NULL DEFAULT '[]',
    subject        TEXT NOT NULL DEFAULT '',
    date           INTEGER NOT NULL,
    text           TEXT NOT NULL DEFAULT '',
    quotes_json    TEXT NOT NULL DEFAULT '[]',
    attachments_json TEXT NOT NULL DEFAULT '[]',
    in_reply_to    TEXT,
    references_json TEXT NOT NULL DEFAULT '[]',
    auto_json      TEXT NOT NULL DEFAULT '{}',
    placed_by      TEXT NOT NULL,
    warnings_json  TEXT NOT NULL DEFAULT '[]',
    language       TEXT,
    size           INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    UNIQUE (account, message_id)
) STRICT;
CREATE INDEX messages_ticket_date ON messages(ticket_id, date);
CREATE INDEX messages_from ON messages(from_email);
CREATE INDEX messages_date ON messages(date DESC);

-- The raw source, kept so nothing is ever lost; apart so message rows stay small.
CREATE TABLE raw_messages (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    raw        BLOB NOT NULL
) STRICT;

-- Where a message lives on the server. A message may be in several folders.
CREATE TABLE message_locations (
    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    message    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    flags      TEXT NOT NULL DEFAULT '',   -- space-separated IMAP flags
    modseq     INTEGER,
    PRIMARY KEY (mailbox_id, uid)
) STRICT, WITHOUT ROWID;
CREATE INDEX message_locations_message ON message_locations(message);

-- Append-only log of what agents did to tickets (status, owner, tags, notes): the seed of
-- team mode, where this log travels through the IMAP server, and of KPI reports.
CREATE TABLE ticket_events (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    agent     TEXT NOT NULL,
    kind      TEXT NOT NULL,              -- status | owner | tag | untag | note | merge
    value     TEXT
) STRICT;
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, at);

-- Full text over subject, body and names. Contentless: the text lives in `messages`; what is
-- indexed is folded (diacritics, dotless i, CJK bigrams) by domain::search_text.
CREATE VIRTUAL TABLE message_fts USING fts5(
    subject, body, names,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Orders, imported from the shop (CSV now, shop APIs later): where-is-my-order answers.
CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    customer_email  TEXT NOT NULL,        -- lower-cased; joins customer_addresses
    customer_name   TEXT,
    status          TEXT NOT NULL,        -- placed | paid | shipped | delivered | returned | refunded | cancelled
    total_cents     INTEGER,
    currency        TEXT,
    placed_at       INTEGER NOT NULL,
    shipped_at      INTEGER,
    carrier         TEXT,
    tracking_number TEXT,
    tracking_url    TEXT,
    items_json      TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX orders_customer_email ON orders(customer_email, placed_at DESC);

-- The reply being written on a ticket, saved as the agent types.
CREATE TABLE drafts (
    ticket_id    INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    template     TEXT,
    status_after TEXT,
    updated_at   INTEGER NOT NULL
) STRICT;

-- The durable outbox: a reply is rendered and stored here, with its final Message-ID,
-- before any network I/O. The send worker moves rows queued → sent (or failed, retried).
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    account        TEXT NOT NULL,
    ticket_id      INTEGER REFERENCES tickets(id) ON DELETE SET NULL,
    answers        INTEGER REFERENCES messages(id) ON DELETE SET NULL, -- the customer message answered
    message_id     TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply','auto_ack')),
    envelope_from  TEXT NOT NULL,
    recipients_json TEXT NOT NULL,
    subject        TEXT NOT NULL,
    raw            BLOB NOT NULL,
    status_after   TEXT,
    state          TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued','sent','failed','cancelled')),
    not_before     INTEGER NOT NULL,      -- undo window, then retry backoff
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    agent          TEXT,
    -- Idempotency of bulk and automatic replies: e.g. "bulk:wismo:<message id>".
    dedupe_key     TEXT UNIQUE,
    created_at     INTEGER NOT NULL,
    sent_at        INTEGER,
    handed_at      INTEGER,               -- content handed to SMTP after DATA (see worker::send)
    delivered_at   INTEGER,               -- SMTP accepted; sent_at = Sent copy filed too
    appended       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX outbox_due ON outbox(state, not_before);
CREATE INDEX outbox_ticket ON outbox(ticket_id);
