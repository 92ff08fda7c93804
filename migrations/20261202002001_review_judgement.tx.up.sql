-- The org's rule set: severities of breaking-change, lint and validation rules where they differ from Portico's defaults.
CREATE TABLE rule_settings (
    rule_id VARCHAR(128) PRIMARY KEY,
    severity VARCHAR(16) NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at {{.Time}} NOT NULL
);
--bun:split
-- What a publication request is judged by, computed once when it is submitted (or when the version it is compared with changes).
CREATE TABLE review_reports (
    request_id BIGINT PRIMARY KEY REFERENCES publication_requests (id),
    base_version_id BIGINT REFERENCES api_versions (id),
    base_version VARCHAR(64) NOT NULL DEFAULT '',
    report TEXT NOT NULL,
    computed_at {{.Time}} NOT NULL
);
--bun:split
-- Breaking changes a reviewer accepted as known false positives, with the reason.
CREATE TABLE finding_acceptances (
    id {{.ID}},
    request_id BIGINT NOT NULL REFERENCES publication_requests (id),
    finding_key VARCHAR(64) NOT NULL,
    rule_id VARCHAR(128) NOT NULL,
    reason TEXT NOT NULL,
    accepted_by BIGINT NOT NULL REFERENCES users (id),
    accepted_at {{.Time}} NOT NULL
);
--bun:split
CREATE UNIQUE INDEX finding_acceptances_request_key ON finding_acceptances (request_id, finding_key);
