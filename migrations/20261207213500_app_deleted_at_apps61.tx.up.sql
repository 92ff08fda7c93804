-- Removed apps (subscriptions.Service.DeleteApp) keep their row, marked by deleted_at, so that the subscriptions,
-- keys, usage and audit events that name them still read; every list and lookup of apps skips them. The slug of a
-- removed app is free again: only the apps not removed have unique slugs.
ALTER TABLE apps ADD COLUMN deleted_at {{.Time}};
--bun:split
DROP INDEX apps_slug_key;
--bun:split
CREATE UNIQUE INDEX apps_live_slug_key ON apps (slug) WHERE deleted_at IS NULL;
