-- Lists of subscriptions and apps at scale (tens of thousands): each page
-- is one index range, with no sort of a team's whole list.
-- A provider's list of every state, newest first.
CREATE INDEX subscriptions_provider_all_idx ON subscriptions (provider_team_id, id);
--bun:split
-- An API's subscribers, newest first.
CREATE INDEX subscriptions_api_id_idx ON subscriptions (api_id, id);
--bun:split
-- A team's apps by name, a page at a time after (name, id).
DROP INDEX apps_team_idx;
--bun:split
CREATE INDEX apps_team_name_idx ON apps (team_id, name, id);
