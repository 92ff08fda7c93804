-- The audit log filtered by actor or by action (the portal's filters and
-- GET /api/v1/audit's), newest first, and its count: one range of one of
-- these indexes, where a year's audit log (300,000 events) was read whole
-- for every page.
CREATE INDEX audit_events_actor_idx ON audit_events (actor, id);
--bun:split
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
