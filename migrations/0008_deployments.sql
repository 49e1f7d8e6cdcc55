-- Declarative deployments (issue 18): the spec last applied to a chaincode on a channel, and the
-- `deployment` operation that reconciles it. A new operation kind needs the CHECK of
-- `operations` widened, which SQLite can only do by rebuilding the table (sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"). approval_records references operations(id): with
-- foreign-key checks deferred to COMMIT, the old table is dropped and the new one renamed in its
-- place, and every reference holds again by the end of this migration's transaction.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE operations_new (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('install', 'approve', 'commit', 'submit', 'deployment')),
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    target      TEXT NOT NULL,
    input_json  TEXT NOT NULL,
    steps_json  TEXT NOT NULL DEFAULT '[]',
    result_json TEXT,
    error       TEXT,
    phase       TEXT                             -- what a running operation is doing or waiting for (deployment: waiting-for-approvals)
) STRICT;
INSERT INTO operations_new (id, kind, state, created_at, updated_at, created_by, target, input_json, steps_json, result_json, error)
    SELECT id, kind, state, created_at, updated_at, created_by, target, input_json, steps_json, result_json, error FROM operations;
DROP TABLE operations;
ALTER TABLE operations_new RENAME TO operations;
CREATE INDEX operations_by_time ON operations(created_at);
CREATE INDEX operations_by_state ON operations(state);

-- One row per chaincode: the spec as applied (canonical JSON) and the operation reconciling it.
CREATE TABLE deployments (
    channel      TEXT NOT NULL,
    name         TEXT NOT NULL,
    spec_json    TEXT NOT NULL,
    operation_id TEXT REFERENCES operations(id),
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (channel, name)
) STRICT;
