-- Export jobs, shared by every replica. A worker claims a queued job (or one whose lease
-- ran out) with FOR UPDATE SKIP LOCKED; attempt fences every write of a replica that lost it.
CREATE TABLE sluice_export (
    id uuid PRIMARY KEY,
    idempotency_key text UNIQUE,
    request jsonb NOT NULL,
    format text NOT NULL,
    compression text NOT NULL,
    storage text NOT NULL,
    state text NOT NULL
        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired')),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    expires_at timestamptz,
    not_before timestamptz NOT NULL DEFAULT now(),
    worker text,
    attempt integer NOT NULL DEFAULT 0,
    lease_until timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    error text
);

CREATE INDEX sluice_export_open ON sluice_export (created_at) WHERE state IN ('queued', 'running');
CREATE INDEX sluice_export_history ON sluice_export (created_at DESC, id DESC);
CREATE INDEX sluice_export_expiry ON sluice_export (expires_at) WHERE state IN ('succeeded', 'failed', 'cancelled');

-- One file per part. checkpoint holds what a resumed attempt needs: rows and bytes written,
-- the last row's key, the hash state and the storage's upload state, as of a durable segment.
CREATE TABLE sluice_export_part (
    export_id uuid NOT NULL REFERENCES sluice_export ON DELETE CASCADE,
    index integer NOT NULL,
    dataset text NOT NULL,
    query text NOT NULL,
    file_name text NOT NULL,
    columns jsonb NOT NULL,
    estimated_rows bigint,
    rows bigint NOT NULL DEFAULT 0,
    bytes bigint NOT NULL DEFAULT 0,
    done boolean NOT NULL DEFAULT false,
    sha256 text,
    checkpoint jsonb,
    PRIMARY KEY (export_id, index)
);

CREATE INDEX sluice_export_part_dataset ON sluice_export_part (dataset, export_id);
