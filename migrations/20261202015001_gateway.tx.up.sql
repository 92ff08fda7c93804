-- Gateway nodes, their settings per API major version, and the change log of
-- the configuration the portal pushes to them.
--
-- Nodes: registered by an org admin; the token is stored as its SHA-256.
-- The status columns are what the push hub of any portal instance last heard
-- from the node, so every instance shows the same.
CREATE TABLE gateway_nodes (
    id {{.ID}},
    name VARCHAR(64) NOT NULL,
    token_hash VARCHAR(64) NOT NULL,
    token_prefix VARCHAR(32) NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at {{.Time}} NOT NULL,
    revoked_at {{.Time}},
    applied_version BIGINT NOT NULL DEFAULT 0,
    applied_hash VARCHAR(64) NOT NULL DEFAULT '',
    last_seen_at {{.Time}},
    last_error TEXT NOT NULL DEFAULT '',
    rejected_version BIGINT NOT NULL DEFAULT 0,
    rejected_hash VARCHAR(64) NOT NULL DEFAULT '',
    agent VARCHAR(200) NOT NULL DEFAULT ''
);
--bun:split
CREATE UNIQUE INDEX gateway_nodes_active_name_key ON gateway_nodes (name) WHERE revoked_at IS NULL;
--bun:split
CREATE UNIQUE INDEX gateway_nodes_token_key ON gateway_nodes (token_hash);
--bun:split
-- Deployments: every change of an API major version's gateway settings
-- (upstream targets, timeouts), kept, so that a rollback restores an
-- earlier one as a new deployment. The newest per (api, major) is in force.
CREATE TABLE gateway_deployments (
    id {{.ID}},
    api_id BIGINT NOT NULL REFERENCES apis (id),
    major INTEGER NOT NULL,
    targets TEXT NOT NULL DEFAULT '[]',
    connect_timeout_ms INTEGER NOT NULL DEFAULT 0,
    response_timeout_ms INTEGER NOT NULL DEFAULT 0,
    rollback_of BIGINT REFERENCES gateway_deployments (id),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX gateway_deployments_route_idx ON gateway_deployments (api_id, major, id);
--bun:split
-- The configuration's head: one row, moved under optimistic lock by the
-- compile that makes the next version.
CREATE TABLE gateway_head (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    hash VARCHAR(64) NOT NULL,
    updated_at {{.Time}}
);
--bun:split
INSERT INTO gateway_head (id, version, hash) VALUES (1, 0, '');
--bun:split
-- The change log: per version the delta from the previous one; a checkpoint
-- (the full snapshot) now and then, when the deltas since the last one have
-- grown as large as it, so storage grows with the changes.
CREATE TABLE gateway_changes (
    version BIGINT PRIMARY KEY,
    base_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL,
    delta TEXT NOT NULL,
    delta_bytes BIGINT NOT NULL,
    checkpoint TEXT,
    checkpoint_bytes BIGINT NOT NULL DEFAULT 0,
    created_at {{.Time}} NOT NULL
);
