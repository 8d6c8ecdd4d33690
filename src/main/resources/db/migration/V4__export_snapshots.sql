-- Whether an export's parts all read one snapshot ('snapshot') or each its own ('none'; jobs
-- submitted before this column existed). The snapshot a job's files were read from, as the
-- manifest reports it, and how often the job started over because a snapshot was lost.
ALTER TABLE sluice_export
    ADD COLUMN consistency text NOT NULL DEFAULT 'none' CHECK (consistency IN ('snapshot', 'none')),
    ADD COLUMN snapshot_id text,
    ADD COLUMN snapshot_taken_at timestamptz,
    ADD COLUMN snapshot_position text,
    ADD COLUMN snapshot_lsn text,
    ADD COLUMN restarts integer NOT NULL DEFAULT 0,
    ADD COLUMN restart_reason text;
