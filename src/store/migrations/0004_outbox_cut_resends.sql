-- 0004: how often a reply was sent again because a sender was cut off between handing
-- the content to the server and recording that it had (the one window that can deliver
-- twice; see worker::send). Shown in `outbox list --json` as `resent_after_cut`.
ALTER TABLE outbox ADD COLUMN cut_resends INTEGER NOT NULL DEFAULT 0;
