-- Optimistic locking of the search synonym list, as of users, APIs, versions and plans: a save carries the lock_version
-- it was read at (0 for Portico's default list, which has no row) and is refused when another admin saved since.
ALTER TABLE search_synonyms ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 1;
