-- Since which configuration version each route of a checkpoint has been as it is, as JSON
-- {"since":N,"routes":{"pets/v1":M}}: a route not listed has been as it is since N. A portal instance that loads the
-- checkpoint (at its start, or after falling behind) counts the gateway nodes serving a route from there, not from the
-- checkpoint's own version. NULL for the checkpoints written before this column (every route counts from the
-- checkpoint); cleared with the snapshot when the checkpoint is pruned.
ALTER TABLE gateway_changes ADD COLUMN checkpoint_since TEXT;
