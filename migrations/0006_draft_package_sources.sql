-- Where each organization's package ID in a draft came from (issue: an upgrade must not drop a
-- running package): {mspId: {"kind": "request" | "previous-draft" | "block" | "peer", ...}}.
-- package_ids_json may now hold null for an org: approve without a package, chosen explicitly.
ALTER TABLE definition_drafts ADD COLUMN package_sources_json TEXT NOT NULL DEFAULT '{}';
