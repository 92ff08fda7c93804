CREATE TABLE apis (
    id {{.ID}},
    team_id BIGINT NOT NULL REFERENCES teams (id),
    slug VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL,
    summary VARCHAR(500) NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    visibility VARCHAR(16) NOT NULL,
    upstreams TEXT NOT NULL DEFAULT '[]',
    lock_version BIGINT NOT NULL DEFAULT 1,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX apis_slug_key ON apis (slug);
--bun:split
CREATE INDEX apis_team_idx ON apis (team_id);
--bun:split
CREATE TABLE api_versions (
    id {{.ID}},
    api_id BIGINT NOT NULL REFERENCES apis (id),
    version VARCHAR(64) NOT NULL,
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    patch INTEGER NOT NULL,
    prerelease VARCHAR(64) NOT NULL DEFAULT '',
    state VARCHAR(16) NOT NULL,
    spec_raw TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    spec_format VARCHAR(16) NOT NULL,
    title VARCHAR(500) NOT NULL DEFAULT '',
    operations INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id),
    lock_version BIGINT NOT NULL DEFAULT 1,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL,
    published_at {{.Time}},
    deprecated_at {{.Time}},
    sunset_at {{.Time}},
    successor VARCHAR(64) NOT NULL DEFAULT '',
    retired_at {{.Time}}
);
--bun:split
CREATE UNIQUE INDEX api_versions_api_version_key ON api_versions (api_id, version);
--bun:split
CREATE INDEX api_versions_state_idx ON api_versions (state, sunset_at);
--bun:split
CREATE TABLE publication_requests (
    id {{.ID}},
    api_id BIGINT NOT NULL REFERENCES apis (id),
    version_id BIGINT NOT NULL REFERENCES api_versions (id),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    state VARCHAR(16) NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at {{.Time}} NOT NULL,
    decided_at {{.Time}},
    decided_by BIGINT REFERENCES users (id),
    decision_comment TEXT NOT NULL DEFAULT '',
    override BOOLEAN NOT NULL DEFAULT FALSE
);
--bun:split
CREATE INDEX publication_requests_state_idx ON publication_requests (state, created_at);
--bun:split
CREATE INDEX publication_requests_version_idx ON publication_requests (version_id);
--bun:split
CREATE TABLE notifications (
    id {{.ID}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind VARCHAR(32) NOT NULL,
    message TEXT NOT NULL,
    link VARCHAR(500) NOT NULL DEFAULT '',
    created_at {{.Time}} NOT NULL,
    read_at {{.Time}}
);
--bun:split
CREATE INDEX notifications_user_idx ON notifications (user_id, read_at);
