-- usage_quota_days.seq numbers each write of a count, so the portal reads
-- the counts written since its last read instead of every count of the
-- day (push.QuotaChangeSource, store.QuotaDayChanges). A trigger sets it,
-- not the store's statement: an instance of the previous version, still
-- serving during a rolling upgrade, writes counts with its own statement,
-- and its writes must be numbered too, or the newer instances would miss
-- them. Rows written before this migration keep NULL: they are in the
-- whole read each portal instance starts with.
--
-- PostgreSQL: the writing transaction's id (pg_current_xact_id, 64 bits,
-- never wraps). A reader takes, in the same snapshot as its rows, the
-- oldest transaction still running (pg_snapshot_xmin): every write of a
-- transaction older than that was committed and is in the read, and the
-- next read takes the rows numbered from there on. A sequence would not
-- do: its numbers are taken in one order and committed in another, and a
-- reader that saw 11 would never see the 10 committed after it.
-- SQLite: one writer at a time, so the next number of the day
-- (MAX(seq) + 1) is committed in order; a reader takes MAX(seq) + 1 in
-- the same snapshot as its rows.
ALTER TABLE usage_quota_days ADD COLUMN seq BIGINT;
--bun:split
CREATE INDEX usage_quota_days_seq_idx ON usage_quota_days (day, seq);
--bun:split
{{if .PostgreSQL}}
CREATE FUNCTION usage_quota_days_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$;
--bun:split
CREATE TRIGGER usage_quota_days_seq BEFORE INSERT OR UPDATE ON usage_quota_days
    FOR EACH ROW EXECUTE FUNCTION usage_quota_days_seq();
{{else}}
CREATE TRIGGER usage_quota_days_seq_insert AFTER INSERT ON usage_quota_days
BEGIN
    UPDATE usage_quota_days SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM usage_quota_days WHERE day = NEW.day)
    WHERE day = NEW.day AND subscription_id = NEW.subscription_id;
END;
--bun:split
CREATE TRIGGER usage_quota_days_seq_update AFTER UPDATE OF accepted ON usage_quota_days
BEGIN
    UPDATE usage_quota_days SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM usage_quota_days WHERE day = NEW.day)
    WHERE day = NEW.day AND subscription_id = NEW.subscription_id;
END;
{{end}}
