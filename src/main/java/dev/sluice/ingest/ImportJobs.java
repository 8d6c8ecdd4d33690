package dev.sluice.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import dev.sluice.database.SchemaMigration;
import dev.sluice.job.JobState;
import dev.sluice.job.JobTable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The import job table. As with export jobs, every write of a worker is fenced by the
 * job's {@code attempt}, so a replica that lost its lease changes nothing; the success of
 * a job is written in the import's own transaction, so rows and state commit together.
 */
@Component
class ImportJobs {

    private static final String COLUMNS = "id, state, manifest, mode, files::text AS files,"
            + " progress::text AS progress, created_at, started_at, finished_at, attempt, cancel_requested, error,"
            + " request::text AS request, owner";

    // clock_timestamp(), not now(): this runs in the import's transaction, and now() is
    // when that began.
    private static final String SUCCEED = "UPDATE sluice_import SET state = 'succeeded',"
            + " finished_at = clock_timestamp(), lease_until = NULL, progress = CAST($3 AS jsonb)"
            + " WHERE id = $1 AND attempt = $2 AND state = 'running' AND NOT cancel_requested";

    private final DatabaseClient client;

    private final JobTable table;

    ImportJobs(DatabaseClient client, SchemaMigration migrated) {
        this.client = client;
        this.table = new JobTable(client, "sluice_import");
    }

    /**
     * @return true, or false if the idempotency key is taken
     */
    Mono<Boolean> insert(UUID id, @Nullable String idempotencyKey, String request, String manifest, String mode,
            String storage, String files, @Nullable String owner) {
        DatabaseClient.GenericExecuteSpec spec = this.client
            .sql("INSERT INTO sluice_import (id, idempotency_key, request, manifest, mode, storage, files, state, owner)"
                    + " VALUES (:id, :key, CAST(:request AS jsonb), :manifest, :mode, :storage, CAST(:files AS jsonb),"
                    + " 'queued', :owner) ON CONFLICT (idempotency_key) DO NOTHING")
            .bind("id", id)
            .bind("request", request)
            .bind("manifest", manifest)
            .bind("mode", mode)
            .bind("storage", storage)
            .bind("files", files);
        spec = (idempotencyKey != null) ? spec.bind("key", idempotencyKey) : spec.bindNull("key", String.class);
        spec = (owner != null) ? spec.bind("owner", owner) : spec.bindNull("owner", String.class);
        return spec.fetch().rowsUpdated().map((count) -> count == 1);
    }

    Mono<UUID> idByIdempotencyKey(String key) {
        return this.table.idByIdempotencyKey(key);
    }

    Mono<ImportJob> find(UUID id) {
        return this.client.sql("SELECT " + COLUMNS + " FROM sluice_import WHERE id = :id")
            .bind("id", id)
            .map(ImportJobs::job)
            .one();
    }

    /**
     * Claims a job for this replica (see {@link JobTable#claim}); empty when there is
     * none.
     */
    Mono<ImportJob> claim(String worker, String storage, Duration lease) {
        return this.table.claim(worker, storage, lease).flatMap(this::find);
    }

    /**
     * Renews the lease and saves the progress.
     * @return whether a cancel was requested; empty if the job is no longer this
     * attempt's
     */
    Mono<Boolean> heartbeat(UUID id, int attempt, Duration lease, String progress) {
        return this.client
            .sql("UPDATE sluice_import SET lease_until = now() + make_interval(secs => :lease),"
                    + " progress = CAST(:progress AS jsonb)"
                    + " WHERE id = :id AND attempt = :attempt AND state = 'running' RETURNING cancel_requested")
            .bind("id", id)
            .bind("attempt", attempt)
            .bind("lease", JobTable.seconds(lease))
            .bind("progress", progress)
            .map((row) -> row.get("cancel_requested", Boolean.class))
            .one();
    }

    /**
     * Marks the job succeeded on the import's connection, inside its transaction: true if
     * this attempt still holds it and no cancel was asked for.
     */
    static Mono<Boolean> succeed(Connection connection, UUID id, int attempt, String progress) {
        return Flux
            .from(connection.createStatement(SUCCEED).bind("$1", id).bind("$2", attempt).bind("$3", progress).execute())
            .concatMap((result) -> result.getRowsUpdated())
            .reduce(0L, Long::sum)
            .map((count) -> count == 1);
    }

    /** Ends a job that failed, with its progress as far as it got. */
    Mono<Boolean> fail(UUID id, int attempt, String error, String progress) {
        return end(id, attempt, JobState.FAILED, error, progress);
    }

    Mono<Boolean> cancelled(UUID id, int attempt, String progress) {
        return end(id, attempt, JobState.CANCELLED, null, progress);
    }

    private Mono<Boolean> end(UUID id, int attempt, JobState state, @Nullable String error, String progress) {
        return this.table.end(id, attempt, state, error, "progress = CAST(:progress AS jsonb)",
                Map.of("progress", progress));
    }

    /** Hands a running job back to the queue, to start again after {@code delay}. */
    Mono<Boolean> requeue(UUID id, int attempt, Duration delay, @Nullable String error) {
        // The next run starts over: nothing of this one was committed.
        return this.table.requeue(id, attempt, delay, error, "progress = NULL");
    }

    /**
     * Cancels a queued job at once, or asks the worker of a running one to stop.
     * @return the state after the request, empty if the job was not open
     */
    Mono<JobState> requestCancel(UUID id) {
        return this.table.requestCancel(id, "");
    }

    private static ImportJob job(Readable row) {
        return new ImportJob(row.get("id", UUID.class), JobState.of(row.get("state", String.class)),
                row.get("manifest", String.class), row.get("mode", String.class), row.get("files", String.class),
                row.get("progress", String.class), instant(row, "created_at"), instant(row, "started_at"),
                instant(row, "finished_at"), row.get("attempt", Integer.class),
                row.get("cancel_requested", Boolean.class), row.get("error", String.class),
                row.get("request", String.class), row.get("owner", String.class));
    }

    private static @Nullable Instant instant(Readable row, String name) {
        OffsetDateTime time = row.get(name, OffsetDateTime.class);
        return (time != null) ? time.toInstant() : null;
    }

}
