-- 0016: the sender index is written by the store with the text index, a batch at a time
-- (store::ingest::index_queue), no longer by a trigger on each message: a trigger makes
-- every message insert open a savepoint, and FTS5 writes a segment at each savepoint.
-- Updates and deletes of senders are rare and keep their triggers.
DROP TRIGGER message_senders_insert;
