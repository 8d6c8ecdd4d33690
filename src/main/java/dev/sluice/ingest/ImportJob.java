package dev.sluice.ingest;

import java.time.Instant;
import java.util.UUID;

import dev.sluice.job.JobState;
import dev.sluice.job.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * An import job's row, as stored.
 *
 * @param files the planned files ({@link ImportJobFile}) as JSON
 * @param progress the files' progress ({@link ImportJobProgress}) as JSON, or null before
 * the first heartbeat
 * @param owner who submitted it, or null (security off)
 */
record ImportJob(UUID id, JobState state, String manifest, String mode, String files, @Nullable String progress,
        Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt, int attempt,
        boolean cancelRequested, @Nullable String error, String request, @Nullable String owner) implements StoredJob {

    boolean open() {
        return this.state.open();
    }

}
