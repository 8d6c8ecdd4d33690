package dev.sluice.database;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.query.BadQueryException;
import dev.sluice.query.SqlBuilder;
import dev.sluice.query.SqlQuery;
import dev.sluice.query.TypedValue;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.Wrapped;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.stereotype.Component;

/**
 * Runs a query on a pooled connection and maps each row while the driver's buffers are
 * valid. Rows are paged through a portal ({@code fetchSize}), so PostgreSQL produces the
 * next page only when the subscriber has demand.
 * <p>
 * A cancelled stream (the client went away) never returns its connection to the pool: see
 * {@link Lease}.
 */
@Component
public class RowReader {

    private static final Log logger = LogFactory.getLog(RowReader.class);

    private static final Duration CANCEL_EVERY = Duration.ofMillis(100);

    private static final Pattern PLAN_ROWS = Pattern.compile("\"Plan Rows\":\\s*(\\d+)");

    private final ConnectionFactory connectionFactory;

    public RowReader(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /**
     * Checks that every client value parses as its column's type (a 400 naming the value
     * if not), then streams the query's rows through the mapper.
     */
    public <T> Flux<T> read(List<TypedValue> values, SqlQuery query, int fetchSize, Function<Readable, T> mapper) {
        return read(values, query, fetchSize, mapper, Mono.never());
    }

    /**
     * As {@link #read(List, SqlQuery, int, Function)}, and when {@code stop} emits the
     * statement is cancelled on the server: the stream then ends with an error after the
     * rows already sent, which the subscriber should keep consuming. Unlike a
     * subscription's cancel, no row the driver has read is ever dropped unreleased
     * (r2dbc-postgresql 1.1.1 drops some when a result is cancelled while rows are still
     * arriving).
     */
    public <T> Flux<T> read(List<TypedValue> values, SqlQuery query, int fetchSize, Function<Readable, T> mapper,
            Mono<?> stop) {
        return read(values, query, fetchSize, mapper, stop, null);
    }

    /**
     * As {@link #read(List, SqlQuery, int, Function, Mono)}, in a read-only transaction
     * that sees the given snapshot, when there is one: a {@link SnapshotLostException} if
     * it is no longer held.
     */
    public <T> Flux<T> read(List<TypedValue> values, SqlQuery query, int fetchSize, Function<Readable, T> mapper,
            Mono<?> stop, @Nullable Snapshot snapshot) {
        return Flux.defer(() -> {
            Lease lease = new Lease();
            Mono<Boolean> attached = lease.acquire(this.connectionFactory);
            // A cancel request that arrives while the portal waits between pages cancels
            // nothing, so it is repeated until the stream has ended. A stopped stream's
            // connection is then discarded, never pooled: a late cancel request must not
            // reach its next user.
            AtomicBoolean stopped = new AtomicBoolean();
            Disposable stopping = stop.doOnNext((signal) -> stopped.set(true))
                .flatMapMany((signal) -> Flux.interval(Duration.ZERO, CANCEL_EVERY))
                .onBackpressureDrop()
                .concatMap((tick) -> lease.cancelStatement(), 1)
                .subscribe();
            Supplier<Mono<Void>> end = () -> {
                stopping.dispose();
                if (stopped.get()) {
                    lease.cancel();
                    return Mono.empty();
                }
                return (snapshot != null) ? commit(lease) : lease.release();
            };
            return attached
                .flatMapMany((ok) -> ok ? begin(lease.connection(), snapshot).then(check(lease.connection(), values))
                    .thenMany(select(lease.connection(), query, fetchSize, mapper)) : Flux.empty())
                // Every row is out: a failure to return the connection must not look
                // like a failed stream (pool validation deals with a broken connection).
                .concatWith(Mono.defer(end).onErrorResume((error) -> {
                    logger.warn("Could not return a connection to the pool", error);
                    return Mono.empty();
                }).then(Mono.empty()))
                .doOnError((error) -> logger.debug("Stream failed", error))
                .onErrorResume((error) -> Mono.defer(end)
                    .onErrorResume((closeError) -> Mono.empty())
                    .then(Mono.error(DatabaseErrors.translate(unwrap(error)))))
                .doFinally((signal) -> stopping.dispose())
                .doOnCancel(lease::cancel);
        });
    }

    /**
     * Checks the values as {@link #read} does, then asks PostgreSQL's planner how many
     * rows the query will return.
     */
    public Mono<Long> estimate(List<TypedValue> values, SqlQuery query) {
        SqlQuery explain = new SqlQuery("EXPLAIN (FORMAT JSON) " + query.sql(), query.bindings());
        return read(values, explain, 0, (row) -> String.valueOf(row.get(0, String.class))).collectList()
            .map((lines) -> planRows(String.join("", lines)));
    }

    // The top plan node's estimate is the first "Plan Rows" of the JSON plan.
    static long planRows(String plan) {
        Matcher matcher = PLAN_ROWS.matcher(plan);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static Mono<Void> begin(Connection connection, @Nullable Snapshot snapshot) {
        return (snapshot != null) ? Snapshots.begin(connection, snapshot) : Mono.empty();
    }

    // A read-only transaction has nothing to keep: a failed commit (the connection broke)
    // only means the connection is discarded rather than pooled.
    private static Mono<Void> commit(Lease lease) {
        return Mono.defer(() -> Mono.from(lease.connection().commitTransaction())).onErrorResume((error) -> {
            lease.cancel();
            return Mono.empty();
        }).then(Mono.defer(lease::release));
    }

    private static Throwable unwrap(Throwable error) {
        return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
    }

    private static <T> Flux<T> select(Connection connection, SqlQuery query, int fetchSize,
            Function<Readable, T> mapper) {
        Statement statement = bind(connection.createStatement(query.sql()), query.bindings());
        if (fetchSize > 0) {
            statement.fetchSize(fetchSize);
        }
        Flux<Result> results = Flux.from(statement.execute());
        if (!query.bindings().isEmpty()) {
            // One binding: one result over the driver's exchange, whose cancel closes the
            // portal at the next page and releases what still arrives.
            return onDriverLoop(connection,
                    results.concatMap((result) -> result.map((row, metadata) -> mapper.apply(row))));
        }
        // Without parameters the driver cuts the exchange into windows, one per result,
        // and a window must not be cancelled (see DrainOnCancel): the cancel reaches the
        // statement instead (the portal closes at the next page) while the window drains.
        // A result never subscribed (cancelled first) is consumed, or its rows would
        // stay.
        return onDriverLoop(connection,
                results
                    .concatMap(
                            (result) -> DrainOnCancel.of(Flux.from(result.map((row, metadata) -> mapper.apply(row)))))
                    .doOnDiscard(Result.class, RowReader::consume));
    }

    /**
     * The rows with every request and cancel made on the connection's own event loop, the
     * thread on which the driver emits them. r2dbc-postgresql takes demand on whatever
     * thread asks (an HTTP connection's loop, an export job's thread), and such a request
     * races the loop's emission of the next message: 1.1.1 then emitted rows out of order
     * (issue 717: its fast path emitted without the drain guard), and 1.1.3 can still ask
     * the server for a further 256 messages while one is between its count and its queue,
     * which overflows the queue ("Response queue is full"). On one thread neither can
     * happen.
     */
    static <T> Flux<T> onDriverLoop(Connection connection, Flux<T> rows) {
        if (Lease.physical(connection) instanceof Wrapped<?> postgres) {
            // r2dbc-postgresql's connection unwraps to its event loop as a Scheduler.
            Scheduler loop = postgres.unwrap(Scheduler.class);
            if (loop != null) {
                return rows.subscribeOn(loop, true).cancelOn(loop);
            }
        }
        return rows;
    }

    private static void consume(Result result) {
        Flux.from(result.getRowsUpdated()).subscribe(null, (error) -> logger.debug("Discarded result failed", error));
    }

    private static Mono<Void> check(Connection connection, List<TypedValue> values) {
        if (values.isEmpty()) {
            return Mono.empty();
        }
        return run(connection, SqlBuilder.check(values)).onErrorResume(R2dbcException.class,
                (error) -> isBadValue(error) ? findBadValue(connection, values, error) : Mono.error(error));
    }

    // One statement checks all values; only when it fails are they checked one by one to
    // name the culprit.
    private static Mono<Void> findBadValue(Connection connection, List<TypedValue> values, R2dbcException first) {
        return Flux.fromIterable(values)
            .concatMap((value) -> run(connection, SqlBuilder.check(List.of(value))).onErrorMap(R2dbcException.class,
                    (error) -> isBadValue(error) ? badValue(value, error) : error))
            .then(Mono.error(() -> badValue(values.get(0), first)));
    }

    private static Mono<Void> run(Connection connection, SqlQuery query) {
        return Flux.from(bind(connection.createStatement(query.sql()), query.bindings()).execute())
            .concatMap((result) -> result.getRowsUpdated())
            .then();
    }

    private static Statement bind(Statement statement, List<Object> bindings) {
        for (int i = 0; i < bindings.size(); i++) {
            statement.bind(i, bindings.get(i));
        }
        return statement;
    }

    // SQLSTATE class 22 is "data exception": the text does not parse as the type or is
    // out of its range.
    private static boolean isBadValue(R2dbcException error) {
        return error.getSqlState() != null && error.getSqlState().startsWith("22");
    }

    private static BadQueryException badValue(TypedValue value, R2dbcException error) {
        return new BadQueryException(value.parameter(), "The value '" + value.value() + "' in " + value.source()
                + " is not a valid " + value.type() + ": " + error.getMessage() + ".");
    }

}
