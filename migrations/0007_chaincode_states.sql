-- What the channel list (GET .../chaincodes) shows, kept by the approval tracker (issue 16): the
-- list used to group every organization's approvals in each request (14-32 ms for 10,000
-- approvals); the tracker now refreshes the rows of each chaincode a block touches, in the same
-- SQLite transaction as the block, so the list reads ~one row per chaincode and variant.

-- Every chaincode in a channel's recorded lifecycle history, with its highest validly committed
-- sequence (NULL while never committed).
CREATE TABLE chaincode_states (
    channel             TEXT NOT NULL,
    name                TEXT NOT NULL,
    committed_sequence  INTEGER,
    PRIMARY KEY (channel, name)
) STRICT, WITHOUT ROWID;

-- The distinct definitions organizations approved, as CheckCommitReadiness compares them:
--   role 'pending': each org's latest valid approval above the committed sequence;
--   role 'committed': each org's latest valid approval at the committed sequence.
-- One row per (role, definition): `first_tx` is the variant's first approval (it holds the
-- definition), `orgs` the approving MSP IDs separated by char(31).
CREATE TABLE approval_variants (
    channel   TEXT NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('pending', 'committed')),
    first_tx  INTEGER NOT NULL REFERENCES lifecycle_transactions(id),
    orgs      TEXT NOT NULL,
    PRIMARY KEY (channel, name, role, first_tx)
) STRICT, WITHOUT ROWID;

-- Backfill from the transactions recorded so far (the same queries the tracker runs per chaincode).
INSERT INTO chaincode_states (channel, name, committed_sequence)
SELECT channel, name, max(CASE WHEN kind = 'commit' AND validation_code = 'VALID' THEN sequence END)
FROM lifecycle_transactions GROUP BY channel, name;

-- Row ids follow the tracker's insertion order, which is block order, so min(id) is a variant's
-- first approval.
INSERT INTO approval_variants (channel, name, role, first_tx, orgs)
WITH latest AS (
    SELECT t.id, t.channel, t.name, t.msp_id, t.sequence, t.version, t.endorsement_plugin, t.validation_plugin,
           t.validation_parameter, t.collections, t.init_required,
           CASE WHEN t.sequence = s.committed_sequence THEN 'committed' ELSE 'pending' END AS role,
           row_number() OVER (
               PARTITION BY t.channel, t.name, t.msp_id, t.sequence = coalesce(s.committed_sequence, 0)
               ORDER BY t.block_number DESC, t.tx_index DESC) AS newest
    FROM lifecycle_transactions t JOIN chaincode_states s ON s.channel = t.channel AND s.name = t.name
    WHERE t.kind = 'approval' AND t.validation_code = 'VALID' AND t.sequence >= coalesce(s.committed_sequence, 1))
SELECT channel, name, role, min(id), group_concat(msp_id, char(31)) FROM latest WHERE newest = 1
GROUP BY channel, name, role, sequence, version, endorsement_plugin, validation_plugin, validation_parameter, collections,
         init_required;
