package dev.sluice.database;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Predicate;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Runs work in one transaction on a pooled connection. The connection goes back to the
 * pool only in a known state: after a commit, or after a rollback that succeeded. If the
 * rollback fails, or the subscriber cancels (a client that went away), the connection is
 * discarded through {@link Lease}: whatever runs on it is cancelled on the server and it
 * is closed, so the server rolls the transaction back.
 */
@Component
public class Transactions {

    private static final Log logger = LogFactory.getLog(Transactions.class);

    private static final Duration ROLLBACK_TIMEOUT = Duration.ofSeconds(5);

    private final ConnectionFactory connectionFactory;

    public Transactions(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /**
     * Begins a transaction, runs the work, then commits if {@code commit} accepts its
     * result and rolls back otherwise. Errors are translated by {@link DatabaseErrors}.
     * @param work what to do on the connection; it must not close it
     * @param commit whether a result is to be committed
     * @return the work's result, once the transaction has ended
     */
    public <T> Mono<T> run(Function<Connection, Mono<T>> work, Predicate<? super T> commit) {
        return Mono.defer(() -> {
            Lease lease = new Lease();
            return lease.acquire(this.connectionFactory)
                .flatMap((ok) -> ok ? inTransaction(lease.connection(), work, commit) : Mono.<T>empty())
                .flatMap((result) -> lease.release().thenReturn(result))
                .onErrorResume((error) -> abandon(lease).then(Mono.error(DatabaseErrors.translate(unwrap(error)))))
                .doOnCancel(lease::cancel);
        });
    }

    private static <T> Mono<T> inTransaction(Connection connection, Function<Connection, Mono<T>> work,
            Predicate<? super T> commit) {
        return Mono.from(connection.beginTransaction())
            .then(noStatementTimeout(connection))
            .then(Mono.defer(() -> work.apply(connection)))
            .flatMap((result) -> Mono
                .from(commit.test(result) ? connection.commitTransaction() : connection.rollbackTransaction())
                .thenReturn(result));
    }

    // Imports stream their body into one COPY, which lasts as long as the upload: the
    // statement timeout meant for queries must not cut them (their own limits apply).
    private static Mono<Void> noStatementTimeout(Connection connection) {
        return Flux.from(connection.createStatement("SET LOCAL statement_timeout = 0").execute())
            .concatMap((result) -> result.getRowsUpdated())
            .then();
    }

    // A failed transaction is rolled back before its connection is pooled again; if even
    // that fails, the connection is discarded.
    private static Mono<Void> abandon(Lease lease) {
        Connection connection;
        try {
            connection = lease.connection();
        }
        catch (IllegalStateException ex) {
            return Mono.empty();
        }
        return Mono.from(connection.rollbackTransaction())
            .timeout(ROLLBACK_TIMEOUT)
            .then(Mono.defer(lease::release))
            .onErrorResume((error) -> {
                logger.debug("Rollback failed; discarding the connection", error);
                lease.cancel();
                return Mono.empty();
            });
    }

    private static Throwable unwrap(Throwable error) {
        return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
    }

}
