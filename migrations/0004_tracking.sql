-- Approval tracking from the chain (issue 8): every _lifecycle approve/commit transaction the
-- block listener saw, and per channel the last block it processed. Both are written in the
-- same SQLite transaction as the block is processed, so a restart neither misses nor repeats.
CREATE TABLE block_checkpoints (
    channel     TEXT PRIMARY KEY,
    last_block  INTEGER NOT NULL CHECK (last_block >= 0),
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE lifecycle_transactions (
    id                   INTEGER PRIMARY KEY,
    channel              TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('approval', 'commit')),
    name                 TEXT NOT NULL,
    version              TEXT NOT NULL,
    sequence             INTEGER NOT NULL,
    msp_id               TEXT NOT NULL,          -- the transaction creator's MSP
    validation_parameter BLOB NOT NULL,
    endorsement_plugin   TEXT NOT NULL,
    validation_plugin    TEXT NOT NULL,
    collections          BLOB,                   -- serialized CollectionConfigPackage
    init_required        INTEGER NOT NULL CHECK (init_required IN (0, 1)),
    package_id           TEXT,                   -- approvals only; NULL = unavailable
    tx_id                TEXT NOT NULL,
    block_number         INTEGER NOT NULL,
    tx_index             INTEGER NOT NULL,
    timestamp            TEXT NOT NULL,          -- the channel header's
    validation_code      TEXT NOT NULL,
    UNIQUE (channel, block_number, tx_index)
) STRICT;
CREATE INDEX lifecycle_transactions_by_chaincode ON lifecycle_transactions(channel, name, sequence, msp_id);
