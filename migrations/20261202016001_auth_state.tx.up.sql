-- The authentication version: a counter bumped in the transaction of every
-- change that ends a session or a token or changes a user, their roles or
-- their teams (logout, password change, role change, membership change,
-- token revocation). Every portal instance caches sessions, tokens and
-- memberships in memory and drops its cache when the counter moves
-- (store/authcache.go): the committing instance at once, the others at the
-- wake-up that the commit sends, and at the latest at their next look.
CREATE TABLE auth_state (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
--bun:split
INSERT INTO auth_state (id, version) VALUES (1, 1);
