-- The login attempts waiting in a slow-down, on every instance: a row while one waits (until its wait ends, and a
-- second more), so that the places of one account are counted across the instances sharing the database. A row of an
-- instance that stopped mid-wait counts no more once until_at passes, and DeleteExpired removes it.
CREATE TABLE login_waits (
    id {{.ID}},
    username VARCHAR(64) NOT NULL,
    until_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX login_waits_username_idx ON login_waits (username, until_at);
