-- One-time form ids already used (handlers/once.go): a create form sent
-- again with the same id creates nothing and answers with where the first
-- submission's creation is. key_hash is the SHA-256 (hex) of the id with
-- the session it was sent from; the row is written in the transaction of
-- the creation. Housekeeping deletes the rows older than a day.
CREATE TABLE form_submissions (
    key_hash VARCHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL,
    location VARCHAR(512) NOT NULL,
    created_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX form_submissions_created_idx ON form_submissions (created_at);
