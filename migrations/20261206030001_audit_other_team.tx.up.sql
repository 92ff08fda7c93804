-- An event that concerns two teams is filed under both: team_id is the
-- team it was always filed under, other_team_id the second one. A
-- subscription's events (request, decision, cancellation, revocation, end)
-- are the providing team's and the consuming team's (other_team_id); its
-- keys' events (issue, rotation, revocation) the consuming team's and the
-- providing team's (other_team_id). The audit filtered by a team reads
-- either column; this index serves the second, newest first.
ALTER TABLE audit_events ADD COLUMN other_team_id BIGINT;
--bun:split
CREATE INDEX audit_events_other_team_idx ON audit_events (other_team_id, id);
