-- An API page's history is the events of its team whose object is the API
-- ("slug") or one of its versions ("slug@version"), newest first: the part of
-- object_id before its first "@" ({{.ObjectAPI}}) equals the slug. With the
-- team and that part as equalities, this index hands the events over in id
-- order, where the range of audit_events_object_id_idx ("slug" to "slugA")
-- left them to be sorted on every view.
CREATE INDEX audit_events_api_history_idx ON audit_events (team_id, ({{.ObjectAPI}}), id);
