-- 0007: senders by any part of their address or name. `from:` matches a substring
-- (`from:@example.com`, `from:anna`), which no b-tree index serves; a trigram index does
-- (FTS5 answers LIKE '%…%' from it for three characters or more). The text stays in its
-- table (external content); triggers keep the index in step with every writer.

CREATE VIRTUAL TABLE message_senders USING fts5(
    from_email, from_name,
    content = 'messages', content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO message_senders (message_senders) VALUES ('rebuild');

CREATE TRIGGER message_senders_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_senders (rowid, from_email, from_name)
    VALUES (new.id, new.from_email, new.from_name);
END;
CREATE TRIGGER message_senders_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_senders (message_senders, rowid, from_email, from_name)
    VALUES ('delete', old.id, old.from_email, old.from_name);
END;
CREATE TRIGGER message_senders_update AFTER UPDATE OF from_email, from_name ON messages BEGIN
    INSERT INTO message_senders (message_senders, rowid, from_email, from_name)
    VALUES ('delete', old.id, old.from_email, old.from_name);
    INSERT INTO message_senders (rowid, from_email, from_name)
    VALUES (new.id, new.from_email, new.from_name);
END;
