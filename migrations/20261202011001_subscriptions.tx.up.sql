-- Subscriptions: plans an API offers, apps of consumer teams, subscriptions
-- (app × API major × plan) and their API keys, stored only as hashes.
--
-- The gateway snapshot is compiled from these tables without reshaping:
-- per key its hash, subscription, plan, API and major (copied onto the key,
-- as a subscription never changes them), state, expiry and grace end; per
-- plan its rate per minute, burst and daily quota.
CREATE TABLE plans (
    id {{.ID}},
    api_id BIGINT NOT NULL REFERENCES apis (id),
    slug VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rate_per_minute INTEGER NOT NULL DEFAULT 0,
    burst INTEGER NOT NULL DEFAULT 0,
    quota_per_day BIGINT NOT NULL DEFAULT 0,
    approval VARCHAR(16) NOT NULL,
    open BOOLEAN NOT NULL DEFAULT TRUE,
    lock_version BIGINT NOT NULL DEFAULT 1,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX plans_api_slug_key ON plans (api_id, slug);
--bun:split
CREATE TABLE apps (
    id {{.ID}},
    team_id BIGINT NOT NULL REFERENCES teams (id),
    slug VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    contact VARCHAR(200) NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    lock_version BIGINT NOT NULL DEFAULT 1,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX apps_slug_key ON apps (slug);
--bun:split
CREATE INDEX apps_team_idx ON apps (team_id, name);
--bun:split
-- consumer_team_id and provider_team_id are the app's and the API's teams,
-- copied so that either side's list is one indexed range.
CREATE TABLE subscriptions (
    id {{.ID}},
    app_id BIGINT NOT NULL REFERENCES apps (id),
    consumer_team_id BIGINT NOT NULL REFERENCES teams (id),
    api_id BIGINT NOT NULL REFERENCES apis (id),
    provider_team_id BIGINT NOT NULL REFERENCES teams (id),
    major INTEGER NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    state VARCHAR(16) NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    requested_by BIGINT REFERENCES users (id),
    decided_by BIGINT REFERENCES users (id),
    lock_version BIGINT NOT NULL DEFAULT 1,
    created_at {{.Time}} NOT NULL,
    updated_at {{.Time}} NOT NULL,
    decided_at {{.Time}},
    ended_at {{.Time}}
);
--bun:split
-- One live (pending or active) subscription per app, API and major.
CREATE UNIQUE INDEX subscriptions_live_key ON subscriptions (app_id, api_id, major) WHERE state IN ('pending', 'active');
--bun:split
CREATE INDEX subscriptions_consumer_idx ON subscriptions (consumer_team_id, id);
--bun:split
CREATE INDEX subscriptions_provider_idx ON subscriptions (provider_team_id, state, id);
--bun:split
CREATE INDEX subscriptions_state_idx ON subscriptions (state, id);
--bun:split
CREATE INDEX subscriptions_api_idx ON subscriptions (api_id, major, state);
--bun:split
CREATE INDEX subscriptions_app_idx ON subscriptions (app_id, id);
--bun:split
-- key_hash is the lowercase hex SHA-256 of the whole key as presented
-- (ptk_<kid>_<secret>); kid is the key's public id, also its prefix.
CREATE TABLE api_keys (
    id {{.ID}},
    kid VARCHAR(32) NOT NULL,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    api_id BIGINT NOT NULL REFERENCES apis (id),
    major INTEGER NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    name VARCHAR(100) NOT NULL DEFAULT '',
    key_hash VARCHAR(64) NOT NULL,
    state VARCHAR(16) NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at {{.Time}} NOT NULL,
    expires_at {{.Time}},
    grace_ends_at {{.Time}},
    revoked_at {{.Time}},
    last_used_at {{.Time}},
    rotated_to BIGINT
);
--bun:split
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (key_hash);
--bun:split
CREATE UNIQUE INDEX api_keys_kid_key ON api_keys (kid);
--bun:split
CREATE INDEX api_keys_subscription_idx ON api_keys (subscription_id, id);
--bun:split
CREATE INDEX api_keys_api_idx ON api_keys (api_id, state);
