-- Lists of teams, APIs, plans and apps are ordered by sort_key then id:
-- the name's sort key (store.SortKey: case-folded, accents after the
-- plain letter, digit runs by value), which SQL cannot compute (Unicode
-- case folding and compatibility decomposition), kept by the store on
-- every create and rename, and compared byte by byte on both databases
-- (the "C" collation on PostgreSQL), so that SQLite and PostgreSQL order
-- a list alike, and a page's cursor (key, id) as its ORDER BY. Existing
-- rows are '' here, and so are rows an older instance inserts: they sort
-- first, by id, until the store fills their keys, right after the
-- migrations and every minute (Store.RefreshSortKeys). NOT NULL with a
-- default rather than NULL: SQLite sorts NULL first and PostgreSQL last,
-- and a NULL fails every comparison of a page's cursor.
ALTER TABLE teams ADD COLUMN sort_key TEXT{{.Bytewise}} NOT NULL DEFAULT '';
--bun:split
ALTER TABLE apis ADD COLUMN sort_key TEXT{{.Bytewise}} NOT NULL DEFAULT '';
--bun:split
ALTER TABLE plans ADD COLUMN sort_key TEXT{{.Bytewise}} NOT NULL DEFAULT '';
--bun:split
ALTER TABLE apps ADD COLUMN sort_key TEXT{{.Bytewise}} NOT NULL DEFAULT '';
--bun:split
CREATE INDEX teams_sort_key_idx ON teams (sort_key, id);
--bun:split
-- A team's APIs, a page at a time (with the visibility the page of
-- another team's reader filters on, as apis_team_name_idx has).
CREATE INDEX apis_team_sort_key_idx ON apis (team_id, sort_key, id, visibility);
--bun:split
-- An API's plans.
CREATE INDEX plans_api_sort_key_idx ON plans (api_id, sort_key, id);
--bun:split
-- A team's apps, a page at a time after (sort_key, id); apps_team_name_idx
-- stays for the instances of the previous version during an upgrade.
CREATE INDEX apps_team_sort_key_idx ON apps (team_id, sort_key, id);
--bun:split
-- Every app (an admin's list), a page at a time.
CREATE INDEX apps_sort_key_idx ON apps (sort_key, id);
--bun:split
-- Users are listed by username byte by byte (usernames are lowercase
-- ASCII, people.usernamePattern): on PostgreSQL the unique index of
-- username follows the database's collation, so the list has one of its
-- own. SQLite's unique index compares bytes already.
{{if .PostgreSQL}}CREATE INDEX users_username_bytewise_idx ON users (username COLLATE "C"){{else}}SELECT 1{{end}};
