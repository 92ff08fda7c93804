-- A compile reads the newest checkpoint's version and size to decide whether
-- to write another one. Without this index SQLite walked the change log's
-- rows to find it, and reaching checkpoint_bytes meant reading through the
-- overflow pages of the row's delta and checkpoint (megabytes at 50,000
-- keys, about 25 ms a compile). The index holds the few checkpoints alone,
-- with their size.
CREATE INDEX gateway_changes_checkpoint_idx ON gateway_changes (version, checkpoint_bytes) WHERE checkpoint_bytes > 0;
