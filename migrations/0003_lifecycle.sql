-- Lifecycle operations, definition drafts and approval records (issue 7).
-- An operation is one asynchronous or recorded action (install on peers, an org's approve,
-- a commit, a submit); its per-target steps are a JSON array, rewritten as they progress.
CREATE TABLE operations (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('install', 'approve', 'commit', 'submit')),
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,                   -- token name
    target      TEXT NOT NULL,                   -- package ID or channel/chaincode
    input_json  TEXT NOT NULL,                   -- what to do (used to reconcile after a crash)
    steps_json  TEXT NOT NULL DEFAULT '[]',
    result_json TEXT,
    error       TEXT
) STRICT;
CREATE INDEX operations_by_time ON operations(created_at);
CREATE INDEX operations_by_state ON operations(state);

-- The definition an operator is preparing for the next sequence of a chaincode on a channel.
CREATE TABLE definition_drafts (
    channel              TEXT NOT NULL,
    name                 TEXT NOT NULL,
    version              TEXT NOT NULL,
    sequence             INTEGER NOT NULL CHECK (sequence >= 1),
    endorsement_policy   TEXT,               -- DSL or channel policy reference as given; NULL = default
    validation_parameter BLOB NOT NULL,      -- serialized ApplicationPolicy (empty = default)
    collections          BLOB,               -- serialized CollectionConfigPackage
    init_required        INTEGER NOT NULL CHECK (init_required IN (0, 1)),
    endorsement_plugin   TEXT NOT NULL,
    validation_plugin    TEXT NOT NULL,
    package_ids_json     TEXT NOT NULL DEFAULT '{}', -- {mspId: packageId}
    updated_at           TEXT NOT NULL,
    updated_by           TEXT NOT NULL,
    PRIMARY KEY (channel, name)
) STRICT;

-- Every approve this gateway made, with where it landed on the chain.
CREATE TABLE approval_records (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL,
    name             TEXT NOT NULL,
    sequence         INTEGER NOT NULL,
    msp_id           TEXT NOT NULL,
    package_id       TEXT,
    tx_id            TEXT NOT NULL,
    block_number     INTEGER,
    validation_code  TEXT NOT NULL,
    operation_id     TEXT REFERENCES operations(id),
    approved_at      TEXT NOT NULL
) STRICT;
CREATE INDEX approval_records_by_chaincode ON approval_records(channel, name, sequence, msp_id);
