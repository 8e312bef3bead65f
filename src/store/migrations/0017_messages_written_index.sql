-- 0017: what the mail rules read of a ticket's mail for each message threaded onto it
-- (store::written): direction, dates, Message-ID and the automatic-mail headers, from an
-- index. From the table each read walked past the text of every earlier message (the
-- columns after `text` sit behind its overflow pages), so a first sync of long threads
-- read its own mail again and again.
CREATE INDEX messages_written ON messages(ticket_id, direction, date, created_at, message_id, auto_json);
