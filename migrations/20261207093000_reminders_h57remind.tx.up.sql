-- reminders: one row per thing, the end it was reminded of and threshold
-- (seconds before that end) whose reminder was sent: a deprecated
-- version's sunset ("sunset", object_id the version's id), a key's expiry
-- ("key.expiry") or a rotated key's grace end ("key.grace", object_id the
-- key's id). The row is written in the transaction of the reminder's
-- notifications and its key makes the reminder once, whichever portal
-- instance's scheduler finds it due first; a changed sunset is another
-- ends_at, so it gets reminders of its own.
CREATE TABLE reminders (
    kind VARCHAR(16) NOT NULL,
    object_id BIGINT NOT NULL,
    ends_at {{.Time}} NOT NULL,
    threshold_seconds BIGINT NOT NULL,
    sent_at {{.Time}} NOT NULL,
    PRIMARY KEY (kind, object_id, ends_at, threshold_seconds)
);
--bun:split
-- The keys whose expiry is near (active, not rotated): the scheduler's
-- range every minute.
CREATE INDEX api_keys_expiry_idx ON api_keys (expires_at, id) WHERE state = 'active' AND grace_ends_at IS NULL AND expires_at IS NOT NULL;
--bun:split
-- The rotated keys whose grace period ends soon.
CREATE INDEX api_keys_grace_idx ON api_keys (grace_ends_at, id) WHERE state = 'active' AND grace_ends_at IS NOT NULL;
--bun:split
-- Housekeeping deletes the rows of ends passed (store.PruneReminders).
CREATE INDEX reminders_ends_idx ON reminders (ends_at);
