-- API tokens and the audit log (access-control issue).
-- A token is shown once at creation: only its lookup id and the SHA-256 of its secret are kept.
CREATE TABLE api_tokens (
    token_id      TEXT PRIMARY KEY,                  -- public part of the token, used for lookup
    secret_sha256 BLOB NOT NULL,                     -- SHA-256 of the secret part
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    orgs          TEXT NOT NULL DEFAULT '[]',        -- JSON array of MSP IDs (operators)
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    expires_at    TEXT,
    revoked_at    TEXT
) STRICT;

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,                    -- token name (never the token), or 'anonymous'
    role           TEXT,
    action         TEXT NOT NULL,                    -- e.g. 'package.upload'
    target         TEXT,
    outcome        TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
    status         INTEGER NOT NULL,
    request_id     TEXT NOT NULL,
    client_address TEXT NOT NULL,
    detail         TEXT
) STRICT;
CREATE INDEX audit_log_by_time ON audit_log(at);
CREATE INDEX audit_log_by_actor ON audit_log(actor, at);
