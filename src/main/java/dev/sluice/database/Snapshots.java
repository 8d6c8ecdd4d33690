package dev.sluice.database;

import java.time.OffsetDateTime;
import java.util.concurrent.CompletionException;

import io.r2dbc.postgresql.api.PostgresTransactionDefinition;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Takes snapshots that several connections read from, the way {@code pg_dump -j} does:
 * one repeatable-read transaction exports its snapshot and stays open, idle, for as long
 * as readers may still need to import it.
 */
@Component
public class Snapshots {

    // The transaction's first statement, so the snapshot is taken as it starts: its
    // statement_timestamp() is the snapshot's time. The WAL position is read just after
    // (on a standby: the WAL replayed so far).
    private static final String EXPORT = """
            SELECT pg_export_snapshot() AS id, statement_timestamp() AS taken_at,
                pg_current_snapshot()::text AS position,
                (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn""";

    static final PostgresTransactionDefinition READ_ONLY = PostgresTransactionDefinition
        .from(IsolationLevel.REPEATABLE_READ)
        .readOnly();

    private final ConnectionFactory connectionFactory;

    public Snapshots(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /**
     * Exports a new snapshot, held until {@link HeldSnapshot#release()}.
     * @param holder what holds it, shown as the session's {@code application_name} in
     * {@code pg_stat_activity} while it does
     */
    public Mono<HeldSnapshot> hold(String holder) {
        return Mono.defer(() -> {
            Lease lease = new Lease();
            return lease.acquire(this.connectionFactory)
                .flatMap((ok) -> ok ? export(lease.connection(), holder) : Mono.<Snapshot>empty())
                .map((snapshot) -> new HeldSnapshot(snapshot, lease))
                .onErrorResume((error) -> {
                    lease.cancel();
                    return Mono.error(DatabaseErrors.translate(unwrap(error)));
                })
                .doOnCancel(lease::cancel);
        });
    }

    private static Mono<Snapshot> export(Connection connection, String holder) {
        // The session idles in its transaction by design: a server-wide idle timeout
        // must not end it (the job's own limit on a snapshot's age applies instead).
        Statement settings = connection
            .createStatement("SELECT set_config('idle_in_transaction_session_timeout', '0', true),"
                    + " set_config('application_name', $1, true)")
            .bind(0, holder);
        return Mono.from(connection.beginTransaction(READ_ONLY))
            .then(Flux.from(connection.createStatement(EXPORT).execute())
                .concatMap((result) -> result.map((row, metadata) -> snapshot(row)))
                .single())
            .flatMap((snapshot) -> Flux.from(settings.execute())
                .concatMap((result) -> result.map((row, metadata) -> 1))
                .then(Mono.just(snapshot)));
    }

    private static Snapshot snapshot(Readable row) {
        return new Snapshot(String.valueOf(row.get("id", String.class)),
                row.get("taken_at", OffsetDateTime.class).toInstant(),
                String.valueOf(row.get("position", String.class)), String.valueOf(row.get("lsn", String.class)));
    }

    /** Starts a read-only transaction on the connection that sees the given snapshot. */
    static Mono<Void> begin(Connection connection, Snapshot snapshot) {
        // SET takes no parameters; the identifier is PostgreSQL's own, checked by
        // Snapshot.
        return Mono.from(connection.beginTransaction(READ_ONLY))
            .then(run(connection, "SET TRANSACTION SNAPSHOT '" + snapshot.id() + "'")
                .onErrorMap((error) -> new SnapshotLostException(snapshot, error)));
    }

    static Mono<Void> run(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute())
            .concatMap((result) -> result.getRowsUpdated())
            .then();
    }

    private static Throwable unwrap(Throwable error) {
        return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
    }

}
