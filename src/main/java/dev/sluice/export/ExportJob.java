package dev.sluice.export;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.sluice.database.Snapshot;
import dev.sluice.job.JobState;
import dev.sluice.job.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * An export job's row and its parts' rows, as stored.
 *
 * @param snapshot the snapshot the files are being (or were) read from, once taken
 * @param restarts how often the job started over from a new snapshot
 * @param restartReason why it last did
 */
record ExportJob(UUID id, JobState state, String format, String compression, String storage, Instant createdAt,
        @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Instant expiresAt, int attempt,
        boolean cancelRequested, @Nullable String error, String request, @Nullable String owner,
        Consistency consistency, @Nullable Snapshot snapshot, int restarts, @Nullable String restartReason,
        List<Part> parts) implements StoredJob {

    ExportJob {
        parts = List.copyOf(parts);
    }

    ExportJob withParts(List<Part> parts) {
        return new ExportJob(this.id, this.state, this.format, this.compression, this.storage, this.createdAt,
                this.startedAt, this.finishedAt, this.expiresAt, this.attempt, this.cancelRequested, this.error,
                this.request, this.owner, this.consistency, this.snapshot, this.restarts, this.restartReason, parts);
    }

    /** Whether any part has rows written or a file started. */
    boolean started() {
        return this.parts.stream().anyMatch((part) -> part.done() || part.rows() > 0 || part.checkpoint() != null);
    }

    boolean open() {
        return this.state.open();
    }

    /** The storage keys of the export's files, manifest included. */
    List<String> keys() {
        List<String> keys = new ArrayList<>(this.parts.stream().map((part) -> key(part.fileName())).toList());
        keys.add(key(Manifest.NAME));
        return keys;
    }

    String key(String fileName) {
        return this.id + "/" + fileName;
    }

    /**
     * A part's row.
     *
     * @param columns the file's columns as {@code [{"name": ..., "type": ...}]} JSON
     * @param checkpoint the last durable checkpoint's JSON, or null
     * @param tenantColumn the column the rows are confined to the submitter's tenant by,
     * or null
     * @param tenantValue the submitter's tenant, or null
     */
    record Part(int index, String dataset, String query, String fileName, String columns, @Nullable Long estimatedRows,
            long rows, long bytes, boolean done, @Nullable String sha256, @Nullable String checkpoint,
            @Nullable String tenantColumn, @Nullable String tenantValue) {
    }

}
