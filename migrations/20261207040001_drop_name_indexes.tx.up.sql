-- The indexes of names within a team that 20261207001000_name_sort_key
-- kept for the instances of the version before it during an upgrade: the
-- version an upgrade now starts from (c79e0ca) and this one list a team's
-- APIs and apps by sort_key (apis_team_sort_key_idx, apps_team_sort_key_idx),
-- and no query looks a name up within a team; each write paid for them.
DROP INDEX IF EXISTS apps_team_name_idx;
--bun:split
DROP INDEX IF EXISTS apis_team_name_idx;
