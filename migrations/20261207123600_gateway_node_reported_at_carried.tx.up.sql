-- When a portal instance received the report the status columns hold, by the database's clock. A node that numbers no
-- reports (one from before the Portico-Report header) has its status stored only over a report received earlier, so a
-- request it gave up on, written late by a slow portal instance, never replaces the newer report its retry made through
-- another instance. NULL for a status stored before this column.
ALTER TABLE gateway_nodes ADD COLUMN reported_at {{.Time}};
