-- The browser origins allowed to call an API major version through the gateway nodes (CORS), as a JSON list of
-- origins such as "https://app.example.com", or ["*"]; '[]' (the default, and every deployment made before this
-- column) is no CORS. Part of a deployment's settings, so a rollback restores them.
ALTER TABLE gateway_deployments ADD COLUMN cors_origins TEXT NOT NULL DEFAULT '[]';
