-- name_key_of is the name teams.name_key was computed from. An instance
-- older than name_key renames a team without changing its key: the store
-- then finds the key stale (name_key_of differs from name), uses the key
-- of the name when it reads the row, and its maintenance pass (at start
-- and every minute, Store.RefreshTeamNameKeys) computes it again. Existing
-- rows are NULL here: that pass fills them right after the migrations.
ALTER TABLE teams ADD COLUMN name_key_of VARCHAR(200);
