-- Import jobs: a stored export (its manifest) imported into this server's datasets, claimed and fenced like
-- export jobs. files is the plan checked at submission (one entry per file: key, source and target dataset,
-- format, and the rows, bytes and sha256 the manifest promises); progress has one entry per file (rows and bytes
-- read, rows inserted and updated in the import's transaction, the file's report).
CREATE TABLE sluice_import (
    id uuid PRIMARY KEY,
    idempotency_key text UNIQUE,
    request jsonb NOT NULL,
    manifest text NOT NULL,
    mode text NOT NULL,
    storage text NOT NULL,
    files jsonb NOT NULL,
    progress jsonb,
    state text NOT NULL
        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    not_before timestamptz NOT NULL DEFAULT now(),
    worker text,
    attempt integer NOT NULL DEFAULT 0,
    lease_until timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    error text
);

CREATE INDEX sluice_import_open ON sluice_import (created_at) WHERE state IN ('queued', 'running');
