-- An API's pages name its team with its slug when another team's name
-- reads alike ("Search" and "search" with a zero-width space): name_key is
-- the hash of how the name reads (lookalike.Key, which SQL cannot compute:
-- Unicode compatibility normalisation), kept by the store on every create
-- and rename, so that one indexed read finds a team's lookalikes instead
-- of reading every team per page view. Existing rows are NULL here and
-- filled by the store right after the migrations (Store.Migrate); a NULL
-- left by an older instance is computed when read.
ALTER TABLE teams ADD COLUMN name_key VARCHAR(64);
--bun:split
CREATE INDEX teams_name_key_idx ON teams (name_key);
