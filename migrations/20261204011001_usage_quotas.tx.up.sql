-- Daily quotas counted from the gateway nodes' usage reports.
--
-- usage_quota_days: a subscription's accepted requests (every answer but
-- 429) on one UTC day (days since 1970-01-01), summed over every node's
-- reports, kept only for subscriptions whose plan has a daily quota. The
-- portal pushes today's rows to the nodes, so a quota holds across nodes
-- without Redis, and notifies the consumer at 80 % and 100 %. Pruned after
-- a few days.
CREATE TABLE usage_quota_days (
    day BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    PRIMARY KEY (day, subscription_id)
);
--bun:split
-- usage_quota_alerts: one row per subscription, day and threshold (80 or
-- 100) whose notification was sent; its key makes the notification once,
-- whichever portal instance ingests the batch that crosses it.
CREATE TABLE usage_quota_alerts (
    subscription_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    percent INTEGER NOT NULL,
    created_at {{.Time}} NOT NULL,
    PRIMARY KEY (subscription_id, day, percent)
);
--bun:split
CREATE INDEX usage_quota_alerts_day_idx ON usage_quota_alerts (day);
