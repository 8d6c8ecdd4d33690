package dev.sluice.export;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.database.Snapshot;
import dev.sluice.job.JobState;
import org.jspecify.annotations.Nullable;

/**
 * An export's status as clients see it.
 *
 * @param files the files to download, once succeeded
 * @param manifest where the manifest is, once succeeded
 * @param error what went wrong, in words a user can act on (after a failure; also while a
 * job waits to retry after a passing one)
 * @param consistency {@code snapshot} or {@code none}
 * @param snapshot the snapshot the files are read from, once taken
 * @param restarts how often the job started over from a new snapshot
 * @param restartReason why it last did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ExportView(UUID id, JobState state, String format, String compression, Instant createdAt,
        @Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Instant expiresAt, int attempts,
        boolean cancelRequested, Progress progress, @Nullable List<File> files, @Nullable URI manifest,
        @Nullable String error, String consistency, @Nullable SnapshotView snapshot, int restarts,
        @Nullable String restartReason) {

    static ExportView of(ExportJob job, URI base) {
        List<PartProgress> parts = job.parts()
            .stream()
            .map((part) -> new PartProgress(part.dataset(), part.query(), part.fileName(), part.rows(), part.bytes(),
                    part.estimatedRows(), part.done()))
            .toList();
        Long estimated = job.parts().stream().allMatch((part) -> part.estimatedRows() != null)
                ? job.parts().stream().mapToLong(ExportJob.Part::estimatedRows).sum() : null;
        Progress progress = new Progress(parts.stream().mapToLong(PartProgress::rows).sum(),
                parts.stream().mapToLong(PartProgress::bytes).sum(), estimated, parts);
        boolean succeeded = job.state() == JobState.SUCCEEDED;
        List<File> files = succeeded ? job.parts()
            .stream()
            .map((part) -> new File(part.fileName(), part.dataset(), part.rows(), part.bytes(),
                    String.valueOf(part.sha256()), fileUri(base, job.id(), part.fileName()), job.expiresAt()))
            .toList() : null;
        return new ExportView(job.id(), job.state(), job.format(), job.compression(), job.createdAt(), job.startedAt(),
                job.finishedAt(), job.expiresAt(), job.attempt(), job.cancelRequested(), progress, files,
                succeeded ? fileUri(base, job.id(), Manifest.NAME) : null, job.error(), job.consistency().parameter(),
                SnapshotView.of(job.snapshot()), job.restarts(), job.restartReason());
    }

    static URI fileUri(URI base, UUID id, String name) {
        return base.resolve("/v1/exports/" + id + "/files/" + name);
    }

    boolean open() {
        return this.state.open();
    }

    /**
     * @param estimatedRows the planner's estimate, null if a part has none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Progress(long rows, long bytes, @Nullable Long estimatedRows, List<PartProgress> parts) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PartProgress(String dataset, String query, String file, long rows, long bytes, @Nullable Long estimatedRows,
            boolean done) {
    }

    /**
     * What the files are a picture of (see {@link dev.sluice.database.Snapshot}).
     *
     * @param takenAt when the snapshot was taken
     * @param position {@code pg_current_snapshot()} at that moment
     * @param lsn the write-ahead log position at that moment
     */
    record SnapshotView(Instant takenAt, String position, String lsn) {

        static @Nullable SnapshotView of(@Nullable Snapshot snapshot) {
            return (snapshot != null) ? new SnapshotView(snapshot.takenAt(), snapshot.position(), snapshot.lsn())
                    : null;
        }

    }

    record File(String name, String dataset, long rows, long bytes, String sha256, URI url,
            @Nullable Instant expiresAt) {
    }

}
