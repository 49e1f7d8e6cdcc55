-- Optional auto-commit of a draft (issue 7): once the approvals make the draft ready, the
-- gateway commits it itself (as a `commit` operation created by "auto-commit").
-- auto_commit_note: why the last auto-commit attempt could not commit (NULL = nothing to say).
ALTER TABLE definition_drafts ADD COLUMN auto_commit INTEGER NOT NULL DEFAULT 0 CHECK (auto_commit IN (0, 1));
ALTER TABLE definition_drafts ADD COLUMN auto_commit_note TEXT;
