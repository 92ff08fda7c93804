-- Search documents now carry what a catalog card shows (team name, tags,
-- default version) and the states of an API's versions, and index plain text
-- for every description. A shared index (Meilisearch) built before lacks
-- them: forgetting its position makes the instance holding its lease rebuild
-- it from the database. An embedded index rebuilds itself (its layout
-- version changed).
UPDATE index_feeds SET position = NULL;
