-- Mail systems' reports about another message (bounces, delay notices, read receipts),
-- kept apart from conversation: such a message moves no ticket and is no one's message on
-- the service-level clocks and in the KPIs (`store::timeline`, `store::written`).
-- `original` is the Message-ID of the message reported on, when the report returned it.
CREATE TABLE message_reports (
    message  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    original TEXT
) STRICT;
