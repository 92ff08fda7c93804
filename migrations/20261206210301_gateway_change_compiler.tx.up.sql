-- The version of the compiler (gateway/control.Compiler) that wrote each version of the gateway configuration; 0 for
-- the versions written before portals recorded it. During a rolling upgrade an older portal instance never records a
-- version over one a newer compiler wrote, so the two do not undo each other's compiles.
ALTER TABLE gateway_changes ADD COLUMN compiler INTEGER NOT NULL DEFAULT 0;
