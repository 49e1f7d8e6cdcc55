-- Chaincode install packages uploaded to the gateway, and the listing of their code.tar.gz.
-- Immutable once landed: change the schema with a new NNNN_name.sql file.

CREATE TABLE packages (
    package_id  TEXT PRIMARY KEY,                   -- label ":" lowercase hex SHA-256 of the file
    label       TEXT NOT NULL,
    type        TEXT NOT NULL,                      -- metadata.json "type" (ccaas, golang, ...)
    path        TEXT NOT NULL,                      -- metadata.json "path" (may be empty)
    size        INTEGER NOT NULL CHECK (size >= 0), -- bytes of the whole .tar.gz
    sha256      TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    file_name   TEXT NOT NULL UNIQUE,               -- storage name under packages/
    uploaded_by TEXT,                               -- principal that uploaded it, if known
    uploaded_at TEXT NOT NULL,                      -- RFC 3339 UTC
    warnings    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),  -- JSON array of strings
    metadata    TEXT NOT NULL CHECK (json_valid(metadata)),               -- metadata.json as parsed
    connection  TEXT CHECK (connection IS NULL OR json_valid(connection)) -- connection.json, no secrets
) STRICT;

CREATE INDEX packages_label ON packages (label);
CREATE INDEX packages_type ON packages (type);
CREATE INDEX packages_uploaded_at ON packages (uploaded_at, package_id);

CREATE TABLE package_entries (
    package_id TEXT NOT NULL REFERENCES packages (package_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),  -- order inside code.tar.gz
    name       TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    mode       INTEGER NOT NULL,
    type_flag  TEXT NOT NULL,                            -- tar typeflag character ('0', '5', '2', ...)
    flags      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),  -- e.g. ["absolute-path"]
    PRIMARY KEY (package_id, position)
) STRICT;
