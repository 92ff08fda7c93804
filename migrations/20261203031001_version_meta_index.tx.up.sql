-- A version's row holds its descriptions (spec_raw, spec_json: megabytes for
-- a large API) before the columns every page shows. SQLite keeps such a row
-- in a chain of overflow pages and walks the whole chain to reach a column
-- after them, so reading a version's state or number read its descriptions
-- too. This index holds every other column, led by the API: the queries
-- that list an API's versions without the descriptions (store.Versions,
-- VersionsOf, VersionMetaByName) are answered from it alone. PostgreSQL
-- keeps large text out of line anyway; there it allows index-only scans.
CREATE INDEX api_versions_meta_idx ON api_versions (api_id, id, version, major, minor, patch, prerelease, state,
    spec_format, title, operations, created_by, lock_version, created_at, updated_at, published_at, deprecated_at,
    sunset_at, successor, retired_at);
