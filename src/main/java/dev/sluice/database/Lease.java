package dev.sluice.database;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * One stream's hold on a pooled connection. A stream that ends returns the connection to
 * the pool; a cancelled one discards it: the running statement is cancelled on the server
 * and the connection closed, so the pool replaces it.
 * <p>
 * The state changes atomically because the pool may hand over the connection on one
 * thread while the client's cancel arrives on another: whichever comes second sees the
 * first and discards the connection. (Reactor's {@code usingWhen} loses such a
 * connection, leaving its query suspended for good.)
 */
final class Lease {

    private static final Log logger = LogFactory.getLog(Lease.class);

    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(5);

    private static final Object CANCELLED = new Object();

    private static final Object RELEASED = new Object();

    private final AtomicReference<Object> state = new AtomicReference<>();

    /**
     * Asks the factory for a connection and attaches it (see {@link #attach}). The
     * acquisition itself is never cancelled: a cancel that met the pool mid-hand-over
     * could leave the connection with both the pool and the stream; whatever arrives goes
     * through the lease, which discards it if the stream was cancelled meanwhile.
     * @return whether the connection was attached
     */
    Mono<Boolean> acquire(ConnectionFactory factory) {
        CompletableFuture<Boolean> attached = Mono.from(factory.create()).toFuture().thenApply(this::attach);
        return Mono.fromFuture(attached, true);
    }

    /**
     * Takes the connection; false (and the connection discarded) if the stream was
     * cancelled meanwhile.
     */
    boolean attach(Connection connection) {
        if (this.state.compareAndSet(null, connection)) {
            return true;
        }
        discard(connection).subscribe();
        return false;
    }

    /** The attached connection. */
    Connection connection() {
        if (this.state.get() instanceof Connection connection) {
            return connection;
        }
        throw new IllegalStateException("No connection attached (the stream was cancelled or has ended)");
    }

    /**
     * Asks PostgreSQL to cancel the statement running on the attached connection, if any;
     * the stream then ends with an error, its rows all delivered and released.
     */
    Mono<Void> cancelStatement() {
        return (this.state.get() instanceof Connection connection) ? cancelRequest(physical(connection)) : Mono.empty();
    }

    /** The stream ended (completed or failed): the connection goes back to the pool. */
    Mono<Void> release() {
        Object previous = this.state.getAndSet(RELEASED);
        return (previous instanceof Connection connection) ? Mono.from(connection.close()) : Mono.empty();
    }

    /** The stream was cancelled: the connection, if there is one yet, is discarded. */
    void cancel() {
        Object previous = this.state.getAndSet(CANCELLED);
        if (previous instanceof Connection connection) {
            discard(connection).subscribe();
        }
    }

    // Cancelling on the server stops a query even while PostgreSQL is still computing its
    // first page. The connection is then closed, not pooled: no half-read result (see
    // r2dbc-postgresql issue 661) and no late cancel request can reach a later user.
    // Closing waits for the driver to finish draining the cancelled result (a round trip
    // queues behind it): rows still arriving when the socket closes are never released by
    // r2dbc-postgresql 1.1.1. Every step has a timeout, so a stuck connection still
    // closes.
    private static Mono<Void> discard(Connection connection) {
        Connection physical = physical(connection);
        Mono<Void> cancel = cancelRequest(physical);
        Mono<Void> drained = Mono.from(physical.validate(ValidationDepth.REMOTE))
            .timeout(GIVE_UP_AFTER)
            .onErrorResume((error) -> Mono.just(false))
            .then();
        Mono<Void> close = Mono.from(physical.close()).timeout(GIVE_UP_AFTER).onErrorResume((error) -> {
            logger.warn("Closing a cancelled stream's connection failed", error);
            return Mono.empty();
        });
        return Mono.when(cancel, drained)
            .then(close)
            .then(Mono.from(connection.close()).onErrorResume((error) -> Mono.empty()));
    }

    private static Mono<Void> cancelRequest(Connection physical) {
        if (physical instanceof PostgresqlConnection postgres) {
            return postgres.cancelRequest().timeout(GIVE_UP_AFTER).onErrorResume((error) -> {
                logger.debug("Cancel request failed", error);
                return Mono.empty();
            });
        }
        return Mono.empty();
    }

    static Connection physical(Connection connection) {
        return (connection instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner) ? inner
                : connection;
    }

}
