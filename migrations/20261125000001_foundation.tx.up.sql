CREATE TABLE users (
    id {{.ID}},
    username VARCHAR(64) NOT NULL,
    display_name VARCHAR(200) NOT NULL DEFAULT '',
    email VARCHAR(320) NOT NULL DEFAULT '',
    password_hash VARCHAR(255) NOT NULL DEFAULT '',
    org_role VARCHAR(16) NOT NULL DEFAULT 'member',
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX users_username_key ON users (username);
--bun:split
CREATE TABLE teams (
    id {{.ID}},
    slug VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX teams_slug_key ON teams (slug);
--bun:split
CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    role VARCHAR(16) NOT NULL,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
--bun:split
CREATE INDEX team_members_user_idx ON team_members (user_id);
--bun:split
CREATE TABLE sessions (
    id_hash VARCHAR(64) PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    remote_addr VARCHAR(64) NOT NULL DEFAULT '',
    user_agent VARCHAR(255) NOT NULL DEFAULT '',
    created_at {{.Time}} NOT NULL,
    last_seen_at {{.Time}} NOT NULL,
    expires_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX sessions_user_idx ON sessions (user_id);
--bun:split
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
--bun:split
CREATE TABLE api_tokens (
    id {{.ID}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    name VARCHAR(100) NOT NULL,
    prefix VARCHAR(32) NOT NULL,
    token_hash VARCHAR(64) NOT NULL,
    created_at {{.Time}} NOT NULL,
    last_used_at {{.Time}},
    expires_at {{.Time}},
    revoked_at {{.Time}}
);
--bun:split
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
--bun:split
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
--bun:split
CREATE TABLE login_failures (
    id {{.ID}},
    username VARCHAR(64) NOT NULL,
    remote_addr VARCHAR(64) NOT NULL,
    created_at {{.Time}} NOT NULL
);
--bun:split
CREATE INDEX login_failures_username_idx ON login_failures (username, created_at);
--bun:split
CREATE INDEX login_failures_addr_idx ON login_failures (remote_addr, created_at);
--bun:split
CREATE TABLE audit_events (
    id {{.ID}},
    created_at {{.Time}} NOT NULL,
    actor_id BIGINT,
    actor VARCHAR(64) NOT NULL DEFAULT '',
    action VARCHAR(64) NOT NULL,
    object_type VARCHAR(32) NOT NULL,
    object_id VARCHAR(128) NOT NULL,
    team_id BIGINT,
    before_state TEXT NOT NULL DEFAULT '',
    after_state TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX audit_events_object_idx ON audit_events (object_type, object_id);
--bun:split
CREATE INDEX audit_events_created_idx ON audit_events (created_at);
--bun:split
CREATE TABLE outbox (
    id {{.ID}},
    topic VARCHAR(64) NOT NULL,
    payload TEXT NOT NULL,
    created_at {{.Time}} NOT NULL,
    available_at {{.Time}} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    done_at {{.Time}}
);
--bun:split
CREATE INDEX outbox_pending_idx ON outbox (done_at, available_at);
--bun:split
CREATE TABLE policy_state (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
--bun:split
INSERT INTO policy_state (id, version) VALUES (1, 1);
