package dev.sluice.job;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The statements every kind of job's table runs alike: the claim, the end and the requeue
 * of an attempt, a cancel request, and the idempotency-key lookup. Each kind adds what it
 * stores beside (its extra assignments, fixed text of its own); a table name and such
 * text are never client input.
 * <p>
 * A write for a job that a worker holds is fenced by its {@code attempt}: a replica that
 * lost its lease (another claimed the job) changes nothing.
 */
public final class JobTable {

    // The fence of every write by the worker that holds a job.
    private static final String HELD = "id = :id AND attempt = :attempt AND state = 'running'";

    private final DatabaseClient client;

    private final String table;

    /**
     * @param table the job table's name, fixed text
     */
    public JobTable(DatabaseClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /**
     * Claims the oldest job that is queued (and due) or whose lease ran out, for this
     * replica; empty when there is none.
     * <p>
     * The pick is a scalar subquery, run once per statement. Joined as a subquery in FROM
     * it can run again when PostgreSQL rechecks a row another transaction just changed,
     * and then pick (and this statement claim) a second job, which nobody runs until its
     * lease runs out (seen in ExportJobsIntegrationTests.twoWorkersNeverRunTheSameJob).
     */
    public Mono<UUID> claim(String worker, String storage, Duration lease) {
        String sql = "UPDATE " + this.table + " j"
                + " SET state = 'running', worker = :worker, attempt = j.attempt + 1,"
                + " lease_until = now() + make_interval(secs => :lease), started_at = coalesce(j.started_at, now())"
                + " WHERE j.id = (SELECT id FROM " + this.table + " WHERE storage = :storage"
                + " AND ((state = 'queued' AND not_before <= now()) OR (state = 'running' AND lease_until < now()))"
                + " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)" + " RETURNING j.id";
        return this.client.sql(sql)
            .bind("worker", worker)
            .bind("storage", storage)
            .bind("lease", seconds(lease))
            .map((row) -> row.get("id", UUID.class))
            .one();
    }

    /**
     * Ends the attempt's run in a final state, with the kind's own assignments
     * ({@code extra}, whose parameters {@code bindings} gives).
     * @return whether this attempt still held the job
     */
    public Mono<Boolean> end(UUID id, int attempt, JobState state, @Nullable String error, String extra,
            Map<String, Object> bindings) {
        return fenced(assignments("state = :state, error = :error, lease_until = NULL, finished_at = clock_timestamp()",
                extra), id, attempt, error, Map.of("state", state.value()), bindings);
    }

    /**
     * Hands the attempt's job back to the queue, to start again after {@code delay}, with
     * the kind's own assignments ({@code extra}).
     * @return whether this attempt still held the job
     */
    public Mono<Boolean> requeue(UUID id, int attempt, Duration delay, @Nullable String error, String extra) {
        return fenced(
                assignments("state = 'queued', worker = NULL, lease_until = NULL, error = :error,"
                        + " not_before = now() + make_interval(secs => :delay)", extra),
                id, attempt, error, Map.of("delay", seconds(delay)), Map.of());
    }

    /**
     * Cancels a queued job at once (with the kind's own assignments for that case,
     * {@code whenQueued}, assignments that read the old state), or asks the worker of a
     * running one to stop.
     * @return the job's state after the request, empty if it was not open
     */
    public Mono<JobState> requestCancel(UUID id, String whenQueued) {
        String set = assignments("state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,"
                + " finished_at = CASE WHEN state = 'queued' THEN clock_timestamp() ELSE finished_at END,"
                + " cancel_requested = TRUE", whenQueued);
        return this.client
            .sql("UPDATE " + this.table + " SET " + set + " WHERE id = :id AND state IN ('queued', 'running')"
                    + " RETURNING state")
            .bind("id", id)
            .map((row) -> JobState.of(row.get("state", String.class)))
            .one();
    }

    /** The job submitted under an idempotency key, if any. */
    public Mono<UUID> idByIdempotencyKey(String key) {
        return this.client.sql("SELECT id FROM " + this.table + " WHERE idempotency_key = :key")
            .bind("key", key)
            .map((row) -> row.get("id", UUID.class))
            .one();
    }

    /** A duration as the seconds that {@code make_interval(secs => …)} takes. */
    public static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    // The shared assignments, then the kind's own if it has any.
    private static String assignments(String shared, String extra) {
        return extra.isEmpty() ? shared : shared + ", " + extra;
    }

    private Mono<Boolean> fenced(String assignments, UUID id, int attempt, @Nullable String error,
            Map<String, Object> ours, Map<String, Object> theirs) {
        DatabaseClient.GenericExecuteSpec spec = this.client
            .sql("UPDATE " + this.table + " SET " + assignments + " WHERE " + HELD)
            .bind("id", id)
            .bind("attempt", attempt);
        spec = (error != null) ? spec.bind("error", error) : spec.bindNull("error", String.class);
        for (Map.Entry<String, Object> binding : ours.entrySet()) {
            spec = spec.bind(binding.getKey(), binding.getValue());
        }
        for (Map.Entry<String, Object> binding : theirs.entrySet()) {
            spec = spec.bind(binding.getKey(), binding.getValue());
        }
        return spec.fetch().rowsUpdated().map((count) -> count == 1);
    }

}
