-- The org's search synonyms (one row): groups of equivalent words as JSON, [["repo","repository"], …]. Without a row
-- the search applies Portico's default list.
CREATE TABLE search_synonyms (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    groups_json TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at {{.Time}} NOT NULL
);
