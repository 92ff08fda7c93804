-- The JSON API's Idempotency-Key (handlers/once.go) is recorded with the
-- SHA-256 (hex) of the request it came with: method, path and the body in
-- a canonical form. The key sent again with another request is refused
-- (422) instead of answered as a repeat. NULL for a form's one-time id and
-- for keys recorded before.
ALTER TABLE form_submissions ADD COLUMN request_hash VARCHAR(64);
