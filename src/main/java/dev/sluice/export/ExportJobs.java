package dev.sluice.export;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.sluice.database.SchemaMigration;
import dev.sluice.database.Snapshot;
import dev.sluice.job.JobState;
import dev.sluice.job.JobTable;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The job table. Every statement a worker runs for a job it holds is fenced by the job's
 * {@code attempt}: a replica that lost its lease (another claimed the job) changes
 * nothing.
 */
@Component
class ExportJobs {

    private static final String JOB_COLUMNS = "id, state, format, compression, storage, created_at, started_at,"
            + " finished_at, expires_at, attempt, cancel_requested, error, request::text AS request, owner, consistency,"
            + " snapshot_id, snapshot_taken_at, snapshot_position, snapshot_lsn, restarts, restart_reason";

    private final DatabaseClient client;

    private final JobTable table;

    ExportJobs(DatabaseClient client, SchemaMigration migrated) {
        this.client = client;
        this.table = new JobTable(client, "sluice_export");
    }

    /**
     * Inserts a job and its parts in one statement.
     * @return true, or false if the idempotency key is taken
     */
    Mono<Boolean> insert(UUID id, @Nullable String idempotencyKey, String request, String format, String compression,
            String consistency, String storage, String parts, @Nullable String owner) {
        String sql = """
                WITH job AS (
                    INSERT INTO sluice_export (id, idempotency_key, request, format, compression, consistency, storage,
                        state, owner)
                    VALUES (:id, :key, CAST(:request AS jsonb), :format, :compression, :consistency, :storage, 'queued',
                        :owner)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    RETURNING id),
                parts AS (
                    INSERT INTO sluice_export_part (export_id, index, dataset, query, file_name, columns, estimated_rows,
                        tenant_column, tenant_value)
                    SELECT job.id, p.index, p.dataset, p.query, p.file_name, p.columns, p.estimated_rows,
                        p.tenant_column, p.tenant_value
                    FROM job, jsonb_to_recordset(CAST(:parts AS jsonb))
                        AS p(index integer, dataset text, query text, file_name text, columns jsonb, estimated_rows bigint,
                            tenant_column text, tenant_value text))
                SELECT count(*) AS inserted FROM job""";
        DatabaseClient.GenericExecuteSpec spec = this.client.sql(sql)
            .bind("id", id)
            .bind("request", request)
            .bind("format", format)
            .bind("compression", compression)
            .bind("consistency", consistency)
            .bind("storage", storage)
            .bind("parts", parts);
        spec = (idempotencyKey != null) ? spec.bind("key", idempotencyKey) : spec.bindNull("key", String.class);
        spec = (owner != null) ? spec.bind("owner", owner) : spec.bindNull("owner", String.class);
        return spec.map((row) -> row.get("inserted", Long.class)).one().map((count) -> count == 1);
    }

    Mono<UUID> idByIdempotencyKey(String key) {
        return this.table.idByIdempotencyKey(key);
    }

    Mono<ExportJob> find(UUID id) {
        return this.client.sql("SELECT " + JOB_COLUMNS + " FROM sluice_export WHERE id = :id")
            .bind("id", id)
            .map(ExportJobs::job)
            .one()
            .flatMap(this::withParts);
    }

    /**
     * A page of the history, newest first.
     * @param before the {@code created_at, id} to continue after, or null for the newest
     */
    Flux<ExportJob> list(@Nullable JobState state, @Nullable String dataset, @Nullable Instant beforeTime,
            @Nullable UUID beforeId, int limit, boolean everyOwner, @Nullable String owner) {
        StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM sluice_export e WHERE TRUE");
        if (!everyOwner) {
            // A caller without a name (none with security on) owns nothing.
            sql.append(" AND owner = :owner");
        }
        if (state != null) {
            sql.append(" AND state = :state");
        }
        if (dataset != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM sluice_export_part p WHERE p.export_id = e.id"
                    + " AND p.dataset = :dataset)");
        }
        if (beforeTime != null && beforeId != null) {
            sql.append(" AND (created_at, id) < (:beforeTime, :beforeId)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        DatabaseClient.GenericExecuteSpec spec = this.client.sql(sql.toString()).bind("limit", limit);
        if (!everyOwner) {
            spec = (owner != null) ? spec.bind("owner", owner) : spec.bindNull("owner", String.class);
        }
        if (state != null) {
            spec = spec.bind("state", state.value());
        }
        if (dataset != null) {
            spec = spec.bind("dataset", dataset);
        }
        if (beforeTime != null && beforeId != null) {
            spec = spec.bind("beforeTime", OffsetDateTime.ofInstant(beforeTime, java.time.ZoneOffset.UTC))
                .bind("beforeId", beforeId);
        }
        return spec.map(ExportJobs::job).all().concatMap(this::withParts);
    }

    /**
     * Claims a job for this replica (see {@link JobTable#claim}); empty when there is
     * none.
     */
    Mono<ExportJob> claim(String worker, String storage, Duration lease) {
        return this.table.claim(worker, storage, lease).flatMap(this::find);
    }

    /**
     * Renews the lease and saves a part's progress (and its latest checkpoint, when
     * given).
     * @return whether a cancel was requested; empty if the job is no longer this
     * attempt's
     */
    Mono<Boolean> heartbeat(UUID id, int attempt, Duration lease, int part, long rows, long bytes,
            @Nullable String checkpoint) {
        String sql = """
                WITH job AS (
                    UPDATE sluice_export SET lease_until = now() + make_interval(secs => :lease)
                    WHERE id = :id AND attempt = :attempt AND state = 'running'
                    RETURNING cancel_requested),
                part AS (
                    UPDATE sluice_export_part
                    SET rows = :rows, bytes = :bytes, checkpoint = coalesce(CAST(:checkpoint AS jsonb), checkpoint)
                    WHERE export_id = :id AND index = :part AND NOT done AND EXISTS (SELECT 1 FROM job))
                SELECT cancel_requested FROM job""";
        DatabaseClient.GenericExecuteSpec spec = this.client.sql(sql)
            .bind("id", id)
            .bind("attempt", attempt)
            .bind("lease", JobTable.seconds(lease))
            .bind("part", part)
            .bind("rows", rows)
            .bind("bytes", bytes);
        spec = (checkpoint != null) ? spec.bind("checkpoint", checkpoint) : spec.bindNull("checkpoint", String.class);
        return spec.map((row) -> row.get("cancel_requested", Boolean.class)).one();
    }

    /**
     * Records the snapshot this attempt reads. When {@code restartReason} is given, the
     * files read from an earlier snapshot are gone: every part starts over.
     */
    Mono<Boolean> useSnapshot(UUID id, int attempt, Snapshot snapshot, @Nullable String restartReason) {
        String sql = """
                WITH job AS (
                    UPDATE sluice_export SET snapshot_id = :snapshotId, snapshot_taken_at = :takenAt,
                        snapshot_position = :position, snapshot_lsn = :lsn,
                        restarts = restarts + CASE WHEN :restart THEN 1 ELSE 0 END,
                        restart_reason = CASE WHEN :restart THEN :reason ELSE restart_reason END
                    WHERE id = :id AND attempt = :attempt AND state = 'running'
                    RETURNING id),
                parts AS (
                    UPDATE sluice_export_part SET rows = 0, bytes = 0, done = FALSE, sha256 = NULL, checkpoint = NULL
                    WHERE export_id IN (SELECT id FROM job) AND :restart)
                SELECT count(*) AS updated FROM job""";
        return this.client.sql(sql)
            .bind("id", id)
            .bind("attempt", attempt)
            .bind("snapshotId", snapshot.id())
            .bind("takenAt", OffsetDateTime.ofInstant(snapshot.takenAt(), java.time.ZoneOffset.UTC))
            .bind("position", snapshot.position())
            .bind("lsn", snapshot.lsn())
            .bind("restart", restartReason != null)
            .bind("reason", String.valueOf(restartReason))
            .map((row) -> row.get("updated", Long.class))
            .one()
            .map((count) -> count == 1);
    }

    /** Starts a part over: its checkpoint no longer matches what is stored. */
    Mono<Boolean> restartPart(UUID id, int attempt, int part) {
        return fenced("UPDATE sluice_export_part SET rows = 0, bytes = 0, checkpoint = NULL"
                + " WHERE export_id = :id AND index = :part AND " + HELD, id, attempt, part);
    }

    Mono<Boolean> finishPart(UUID id, int attempt, int part, long rows, long bytes, String sha256) {
        return this.client
            .sql("UPDATE sluice_export_part SET done = TRUE, rows = :rows, bytes = :bytes, sha256 = :sha256,"
                    + " checkpoint = NULL WHERE export_id = :id AND index = :part AND " + HELD)
            .bind("id", id)
            .bind("attempt", attempt)
            .bind("part", part)
            .bind("rows", rows)
            .bind("bytes", bytes)
            .bind("sha256", sha256)
            .fetch()
            .rowsUpdated()
            .map((count) -> count == 1);
    }

    Mono<Boolean> succeed(UUID id, int attempt, Duration retention) {
        return end(id, attempt, JobState.SUCCEEDED, null, retention);
    }

    Mono<Boolean> fail(UUID id, int attempt, String error, Duration retention) {
        return end(id, attempt, JobState.FAILED, error, retention);
    }

    Mono<Boolean> cancelled(UUID id, int attempt, Duration retention) {
        return end(id, attempt, JobState.CANCELLED, null, retention);
    }

    private Mono<Boolean> end(UUID id, int attempt, JobState state, @Nullable String error, Duration retention) {
        return this.table.end(id, attempt, state, error, "expires_at = now() + make_interval(secs => :retention)",
                Map.of("retention", JobTable.seconds(retention)));
    }

    /**
     * Hands a running job back to the queue (the server is stopping, or a passing
     * failure), to continue from its checkpoints after {@code delay}.
     */
    Mono<Boolean> requeue(UUID id, int attempt, Duration delay, @Nullable String error) {
        return this.table.requeue(id, attempt, delay, error, "");
    }

    /**
     * Cancels a queued job at once, or asks the worker of a running one to stop.
     * @return the job's state after the request, empty if it was not open
     */
    Mono<JobState> requestCancel(UUID id) {
        // A job cancelled while queued has no files to keep: it expires at once.
        return this.table.requestCancel(id, "expires_at = CASE WHEN state = 'queued' THEN now() ELSE expires_at END");
    }

    /** Makes a succeeded export expire now (its files are deleted by the next sweep). */
    Mono<Boolean> expireNow(UUID id) {
        return this.client.sql("UPDATE sluice_export SET expires_at = now() WHERE id = :id AND state = 'succeeded'")
            .bind("id", id)
            .fetch()
            .rowsUpdated()
            .map((count) -> count == 1);
    }

    /** Finished exports whose time is up, locked until {@link #markExpired} commits. */
    Flux<ExportJob> lockExpired(String storage, int limit) {
        return this.client
            .sql("SELECT " + JOB_COLUMNS + " FROM sluice_export WHERE state IN ('succeeded', 'failed', 'cancelled')"
                    + " AND storage = :storage AND expires_at <= now()"
                    + " ORDER BY expires_at LIMIT :limit FOR UPDATE SKIP LOCKED")
            .bind("storage", storage)
            .bind("limit", limit)
            .map(ExportJobs::job)
            .all()
            .concatMap(this::withParts);
    }

    /**
     * Records that a job's files are gone: a succeeded job becomes expired; a failed or
     * cancelled one keeps the state that says what happened, and drops its expiry so that
     * no sweep takes it again.
     */
    Mono<Void> markExpired(UUID id) {
        return this.client.sql("""
                UPDATE sluice_export
                SET state = CASE WHEN state = 'succeeded' THEN 'expired' ELSE state END,
                    expires_at = CASE WHEN state = 'succeeded' THEN expires_at END
                WHERE id = :id""").bind("id", id).fetch().rowsUpdated().then();
    }

    private static final String HELD = "EXISTS (SELECT 1 FROM sluice_export"
            + " WHERE id = :id AND attempt = :attempt AND state = 'running')";

    private Mono<Boolean> fenced(String sql, UUID id, int attempt, int part) {
        return this.client.sql(sql)
            .bind("id", id)
            .bind("attempt", attempt)
            .bind("part", part)
            .fetch()
            .rowsUpdated()
            .map((count) -> count == 1);
    }

    private Mono<ExportJob> withParts(ExportJob job) {
        return this.client
            .sql("SELECT index, dataset, query, file_name, columns::text AS columns, estimated_rows, rows, bytes,"
                    + " done, sha256, checkpoint::text AS checkpoint, tenant_column, tenant_value FROM sluice_export_part"
                    + " WHERE export_id = :id ORDER BY index")
            .bind("id", job.id())
            .map(ExportJobs::part)
            .all()
            .collectList()
            .map(job::withParts);
    }

    private static ExportJob job(Readable row) {
        return new ExportJob(row.get("id", UUID.class), JobState.of(row.get("state", String.class)),
                row.get("format", String.class), row.get("compression", String.class), row.get("storage", String.class),
                instant(row, "created_at"), instant(row, "started_at"), instant(row, "finished_at"),
                instant(row, "expires_at"), row.get("attempt", Integer.class),
                row.get("cancel_requested", Boolean.class), row.get("error", String.class),
                row.get("request", String.class), row.get("owner", String.class),
                Consistency.ofParameter(String.valueOf(row.get("consistency", String.class))).orElseThrow(),
                snapshot(row), row.get("restarts", Integer.class), row.get("restart_reason", String.class), List.of());
    }

    private static @Nullable Snapshot snapshot(Readable row) {
        String id = row.get("snapshot_id", String.class);
        Instant takenAt = instant(row, "snapshot_taken_at");
        return (id != null && takenAt != null)
                ? new Snapshot(id, takenAt, String.valueOf(row.get("snapshot_position", String.class)),
                        String.valueOf(row.get("snapshot_lsn", String.class)))
                : null;
    }

    private static ExportJob.Part part(Readable row) {
        return new ExportJob.Part(row.get("index", Integer.class), row.get("dataset", String.class),
                row.get("query", String.class), row.get("file_name", String.class), row.get("columns", String.class),
                row.get("estimated_rows", Long.class), row.get("rows", Long.class), row.get("bytes", Long.class),
                row.get("done", Boolean.class), row.get("sha256", String.class), row.get("checkpoint", String.class),
                row.get("tenant_column", String.class), row.get("tenant_value", String.class));
    }

    private static @Nullable Instant instant(Readable row, String name) {
        OffsetDateTime time = row.get(name, OffsetDateTime.class);
        return (time != null) ? time.toInstant() : null;
    }

}
