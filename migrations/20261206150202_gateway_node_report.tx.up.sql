-- The number of the node's report the status columns hold (the node's Portico-Report header: a session it draws at
-- start and its requests' count in it; '' and 0 for a node that sends none). A status is stored only over an older
-- report's, so a request the node gave up on, written late by a slow portal instance, never replaces the newer report
-- its retry made through another instance.
ALTER TABLE gateway_nodes ADD COLUMN report_session VARCHAR(32) NOT NULL DEFAULT '';
--bun:split
ALTER TABLE gateway_nodes ADD COLUMN report_seq BIGINT NOT NULL DEFAULT 0;
