-- Files the events recorded before other_team_id under their second team,
-- from what they carry: a subscription's object id starts with the
-- subscription's id and a space ("12 app→api/v1"), a key's is "ptk_" and
-- its kid. Events of subscriptions or keys no longer found, and those of a
-- team subscribing to its own API, keep one team.
UPDATE audit_events SET other_team_id = (
    SELECT s.consumer_team_id FROM subscriptions s
    WHERE s.id = {{if .PostgreSQL}}CASE WHEN audit_events.object_id ~ '^[0-9]{1,18} ' THEN split_part(audit_events.object_id, ' ', 1)::BIGINT END{{else}}CAST(substr(audit_events.object_id, 1, instr(audit_events.object_id, ' ') - 1) AS INTEGER){{end}}
      AND s.consumer_team_id <> audit_events.team_id)
WHERE object_type = 'subscription' AND other_team_id IS NULL AND team_id IS NOT NULL;
--bun:split
UPDATE audit_events SET other_team_id = (
    SELECT s.provider_team_id FROM api_keys k JOIN subscriptions s ON s.id = k.subscription_id
    WHERE k.kid = substr(audit_events.object_id, 5)
      AND s.provider_team_id <> audit_events.team_id)
WHERE object_type = 'key' AND other_team_id IS NULL AND team_id IS NOT NULL AND substr(object_id, 1, 4) = 'ptk_';
