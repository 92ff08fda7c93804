-- A team removed while removed apps still name it (people.Service.DeleteTeam) keeps its row, marked by deleted_at and
-- with its slug replaced by "~removed-<id>" (no slug reads so: a new team may take the old one, and the removed
-- team's policy domain, which no membership names any more, is not the new team's), so that the subscriptions, keys,
-- usage and audit events of its removed apps still read. A team that never had apps is deleted as before.
ALTER TABLE teams ADD COLUMN deleted_at {{.Time}};
