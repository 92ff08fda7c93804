-- Usage reported by the gateway nodes.
--
-- usage_batches: the batches ingested, by node and the node's batch id, so
-- that a batch sent twice is counted once. Pruned after some days.
CREATE TABLE usage_batches (
    node VARCHAR(128) NOT NULL,
    batch_id VARCHAR(128) NOT NULL,
    points INTEGER NOT NULL,
    received_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX usage_batches_key ON usage_batches (node, batch_id);
--bun:split
CREATE INDEX usage_batches_received_idx ON usage_batches (received_at);
--bun:split
-- usage_rollups: one row per grain (step: 60 s, 3600 s or 86400 s), bucket
-- start t (Unix seconds), subscription and key. Minute rows are compacted
-- into hour rows after a while, hours into days later. The API, major and
-- both teams are copied from the subscription so that either side's query
-- is one indexed range. l00..l14 count requests per latency bucket
-- (gateway.LatencyBoundsMS).
CREATE TABLE usage_rollups (
    step INTEGER NOT NULL,
    t BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    kid VARCHAR(128) NOT NULL,
    api_id BIGINT NOT NULL,
    major INTEGER NOT NULL,
    provider_team_id BIGINT NOT NULL,
    consumer_team_id BIGINT NOT NULL,
    s2xx BIGINT NOT NULL DEFAULT 0,
    s3xx BIGINT NOT NULL DEFAULT 0,
    s4xx BIGINT NOT NULL DEFAULT 0,
    s429 BIGINT NOT NULL DEFAULT 0,
    s5xx BIGINT NOT NULL DEFAULT 0,
    bytes_in BIGINT NOT NULL DEFAULT 0,
    bytes_out BIGINT NOT NULL DEFAULT 0,
    l00 BIGINT NOT NULL DEFAULT 0,
    l01 BIGINT NOT NULL DEFAULT 0,
    l02 BIGINT NOT NULL DEFAULT 0,
    l03 BIGINT NOT NULL DEFAULT 0,
    l04 BIGINT NOT NULL DEFAULT 0,
    l05 BIGINT NOT NULL DEFAULT 0,
    l06 BIGINT NOT NULL DEFAULT 0,
    l07 BIGINT NOT NULL DEFAULT 0,
    l08 BIGINT NOT NULL DEFAULT 0,
    l09 BIGINT NOT NULL DEFAULT 0,
    l10 BIGINT NOT NULL DEFAULT 0,
    l11 BIGINT NOT NULL DEFAULT 0,
    l12 BIGINT NOT NULL DEFAULT 0,
    l13 BIGINT NOT NULL DEFAULT 0,
    l14 BIGINT NOT NULL DEFAULT 0
);
--bun:split
CREATE UNIQUE INDEX usage_rollups_key ON usage_rollups (step, t, subscription_id, kid);
--bun:split
CREATE INDEX usage_rollups_provider_idx ON usage_rollups (provider_team_id, api_id, t);
--bun:split
CREATE INDEX usage_rollups_consumer_idx ON usage_rollups (consumer_team_id, t);
--bun:split
CREATE INDEX usage_rollups_subscription_idx ON usage_rollups (subscription_id, t);
--bun:split
CREATE INDEX usage_rollups_t_idx ON usage_rollups (t);
--bun:split
-- One row whose update serialises compactions of several portal instances.
CREATE TABLE usage_state (
    id INTEGER PRIMARY KEY,
    compacted_at {{.Time}}
);
--bun:split
INSERT INTO usage_state (id) VALUES (1);
