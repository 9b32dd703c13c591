-- Replicas share the AWS work: the leader of an environment publishes
-- what its fleet model read (the cluster list, each cluster's data…) and
-- followers load it instead of calling AWS. One row per key (upserted),
-- the value as JSON text (opaque to the database: TEXT, never parsed by
-- it), `fetched_ms` when AWS produced it, `wanted_ms` when a follower
-- last read it (the leader keeps those fresh). Rows nobody refreshed nor
-- wanted for 15 minutes are deleted by the leader. SQLite (one process)
-- has the table too, unused, so both dialects keep one schema.
CREATE TABLE fleet_snapshots (
    env TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    fetched_ms BIGINT NOT NULL,
    wanted_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (env, kind, key)
);
CREATE INDEX fleet_snapshots_wanted ON fleet_snapshots (env, wanted_ms);
