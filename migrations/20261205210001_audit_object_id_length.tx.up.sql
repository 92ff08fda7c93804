-- The audit trail's object ids are built from slugs and versions: a
-- version "api@version", a plan "api/plan", a subscription
-- "id app→api/vN", up to 170 characters with the longest slugs (64) and
-- versions (64) allowed. PostgreSQL enforced VARCHAR(128) and refused the
-- change being audited (SQLite enforces no VARCHAR length).
{{if .PostgreSQL}}ALTER TABLE audit_events ALTER COLUMN object_id TYPE VARCHAR(256){{else}}SELECT 1{{end}};
