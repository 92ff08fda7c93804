-- Several portal instances on one database.
--
-- Instances: every running `portico serve` registers under its name and
-- writes a heartbeat every second. A run whose heartbeat stops is dead: the
-- leases it held are given to the others.
CREATE TABLE instances (
    name VARCHAR(200) PRIMARY KEY,
    run_id VARCHAR(64) NOT NULL,
    addr VARCHAR(200) NOT NULL DEFAULT '',
    version VARCHAR(100) NOT NULL DEFAULT '',
    search VARCHAR(300) NOT NULL DEFAULT '',
    index_position BIGINT NOT NULL DEFAULT 0,
    started_at {{.Time}} NOT NULL,
    seen_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX instances_run_idx ON instances (run_id);
--bun:split
-- The run holding an outbox message's lease, so that the lease ends when
-- that run dies rather than when its deadline passes.
ALTER TABLE outbox ADD COLUMN leased_by VARCHAR(64);
--bun:split
CREATE INDEX outbox_leased_idx ON outbox (leased_by) WHERE leased_by IS NOT NULL;
--bun:split
-- The index log: one entry per change of an API's search document, in
-- commit order. Every search index follows it with its own position (kept
-- inside an embedded index, in index_feeds for a shared one).
CREATE TABLE index_log (
    id {{.ID}},
    api_id BIGINT NOT NULL,
    created_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX index_log_created_idx ON index_log (created_at);
--bun:split
-- How far the log was pruned: an index whose position is below it missed
-- entries and is rebuilt.
CREATE TABLE index_log_state (
    id INTEGER PRIMARY KEY,
    pruned_through BIGINT NOT NULL
);
--bun:split
INSERT INTO index_log_state (id, pruned_through) VALUES (1, 0);
--bun:split
-- Positions of the shared indexes (one Meilisearch index for every
-- instance), fed by the one instance that holds the lease.
CREATE TABLE index_feeds (
    name VARCHAR(200) PRIMARY KEY,
    position BIGINT,
    leased_by VARCHAR(64),
    lease_until {{.Time}},
    updated_at {{.Time}} NOT NULL
);
