-- usage_hourly: the usage of each subscription per hour (step 3600; days,
-- step 86400, once usage_rollups holds days for them), all keys together.
-- Written with the minute rollups in the same transaction, so that a range
-- of hours or days (the 7- and 30-day charts, their per-subscription and
-- per-version totals) reads one row per subscription and hour instead of
-- sixty per key; the parts of a range shorter than an hour are read from
-- usage_rollups.
CREATE TABLE usage_hourly (
    step INTEGER NOT NULL,
    t BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
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
CREATE UNIQUE INDEX usage_hourly_key ON usage_hourly (step, t, subscription_id);
--bun:split
CREATE INDEX usage_hourly_provider_idx ON usage_hourly (provider_team_id, api_id, t);
--bun:split
CREATE INDEX usage_hourly_consumer_idx ON usage_hourly (consumer_team_id, t);
--bun:split
CREATE INDEX usage_hourly_subscription_idx ON usage_hourly (subscription_id, t);
--bun:split
CREATE INDEX usage_hourly_t_idx ON usage_hourly (t);
--bun:split
-- The usage kept so far: minutes and hours per hour, days per day.
INSERT INTO usage_hourly (step, t, subscription_id, api_id, major, provider_team_id, consumer_team_id,
    s2xx, s3xx, s4xx, s429, s5xx, bytes_in, bytes_out, l00, l01, l02, l03, l04, l05, l06, l07, l08, l09, l10, l11, l12, l13, l14)
SELECT g.step, g.t, g.subscription_id, MAX(api_id), MAX(major), MAX(provider_team_id), MAX(consumer_team_id),
    SUM(s2xx), SUM(s3xx), SUM(s4xx), SUM(s429), SUM(s5xx), SUM(bytes_in), SUM(bytes_out),
    SUM(l00), SUM(l01), SUM(l02), SUM(l03), SUM(l04), SUM(l05), SUM(l06), SUM(l07), SUM(l08), SUM(l09), SUM(l10), SUM(l11), SUM(l12), SUM(l13), SUM(l14)
FROM (SELECT CASE WHEN step = 86400 THEN 86400 ELSE 3600 END AS step, CASE WHEN step = 86400 THEN t ELSE t - t % 3600 END AS t,
        subscription_id, api_id, major, provider_team_id, consumer_team_id, s2xx, s3xx, s4xx, s429, s5xx, bytes_in, bytes_out,
        l00, l01, l02, l03, l04, l05, l06, l07, l08, l09, l10, l11, l12, l13, l14
      FROM usage_rollups) g
GROUP BY g.step, g.t, g.subscription_id;
