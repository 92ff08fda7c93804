-- A team's page lists its APIs by name, a page at a time, and counts them:
-- with this index a page is the first rows of one range (there was a sort
-- of every API of the team, 2,000 whole rows at 10,036 APIs, per view),
-- and the count, visibility included, reads the index alone. It leads with
-- team_id, so it replaces apis_team_idx.
CREATE INDEX apis_team_name_idx ON apis (team_id, name, id, visibility);
--bun:split
DROP INDEX apis_team_idx;
