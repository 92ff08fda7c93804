-- Optimistic locking of users, as of APIs, versions and plans: a save carries the lock_version it was read at and is
-- refused when someone changed the user since (another admin's save, or the user's own profile save).
ALTER TABLE users ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
