-- An API's history (its page, the audit filtered by API) is the events whose
-- object is the API ("slug") or one of its versions ("slug@version"): one
-- range of this index, from "slug" to "slugA" ("@" + 1) byte by byte, where
-- a LIKE read every event of the API's team (10,000 events of a team at
-- 10,000 APIs, for the ten of one API).
CREATE INDEX audit_events_object_id_idx ON audit_events (object_id{{.Bytewise}}, id);
