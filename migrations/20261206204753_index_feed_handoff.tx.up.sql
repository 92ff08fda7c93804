-- The run that asked for the lease of a shared index feed (portico reindex): the instance feeding the index hands its
-- lease over at the start of its next round, when none of its writes is on its way, so that the index has one writer
-- at a time. No other run takes the lease while one asked for it.
ALTER TABLE index_feeds ADD COLUMN handoff_to VARCHAR(64);
