-- Server keys: secrets of the portal itself, shared by every instance on
-- this database, made once by whichever instance needs one first (the CSRF
-- key that binds each form's token to its session).
CREATE TABLE server_keys (
    name VARCHAR(64) PRIMARY KEY,
    value TEXT NOT NULL,
    created_at {{.Time}} NOT NULL
);
