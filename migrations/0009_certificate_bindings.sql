-- Client certificates as identities (issue 17): a certificate verified against server.tls's
-- clientCAFile is mapped to a role by a binding, matched on its subject DN (RFC 4514 text, as the
-- gateway prints it) or on the SHA-256 fingerprint of its DER bytes. Managed through the token API
-- (kind "certificate"); the audit log names the certificate's subject as the actor.
CREATE TABLE certificate_bindings (
    binding_id         TEXT PRIMARY KEY,                  -- 'crt-' + 16 hex digits (public, like a token ID)
    name               TEXT NOT NULL UNIQUE,
    subject            TEXT,                              -- e.g. 'CN=ci,O=Org1'
    fingerprint_sha256 TEXT,                              -- 64 lower-case hex digits
    role               TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    orgs               TEXT NOT NULL DEFAULT '[]',        -- JSON array of MSP IDs (operators)
    created_at         TEXT NOT NULL,
    last_used_at       TEXT,
    expires_at         TEXT,
    revoked_at         TEXT,
    CHECK ((subject IS NULL) <> (fingerprint_sha256 IS NULL))
) STRICT;
CREATE INDEX certificate_bindings_by_subject ON certificate_bindings(subject) WHERE revoked_at IS NULL;
CREATE INDEX certificate_bindings_by_fingerprint ON certificate_bindings(fingerprint_sha256) WHERE revoked_at IS NULL;
