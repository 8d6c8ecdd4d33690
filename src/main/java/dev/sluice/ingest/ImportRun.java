package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import dev.sluice.security.Tenant;
import io.netty.buffer.ByteBufAllocator;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Wrapped;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * One import on its connection, inside the transaction {@link Importer} opened: the body
 * is copied into a staging table, then moved into the table in one statement. Only when
 * that statement fails, or lines must be skipped, are the staged rows examined one set at
 * a time for values that do not fit their types and keys that clash, each with its line.
 * <p>
 * When nothing would be done with staged rows but move them (NDJSON, mode=insert,
 * onError=abort, no dry run, a key the table enforces, values PostgreSQL reads as they
 * are), the body is copied into the table itself: the first row the table refuses ends
 * the import, named by the line PostgreSQL gives.
 */
final class ImportRun {

    private static final Log logger = LogFactory.getLog(ImportRun.class);

    private static final String SAVEPOINT = "sluice_import";

    private final Connection connection;

    private final TargetTable target;

    private final ImportOptions options;

    private final ImportProperties properties;

    private final Scheduler scheduler;

    private final ImportSql sql;

    private final ErrorLog errors;

    private final RowParser parser;

    private final RowSource source;

    private final long started = System.nanoTime();

    private long staged;

    private final boolean direct;

    private final LineMap lines = new LineMap();

    private long copied;

    private @Nullable ImportError refusal;

    private ImportRun(Connection connection, TargetTable target, ImportOptions options, ImportProperties properties,
            BodySource body, Scheduler scheduler, @Nullable Tenant tenant) {
        this.connection = connection;
        this.target = target;
        this.options = options;
        this.properties = properties;
        this.scheduler = scheduler;
        StagingLayout layout = new StagingLayout(target, tenant);
        this.errors = new ErrorLog(properties.maxReportedErrors());
        int maxLine = (int) properties.maxLineLength().toBytes();
        boolean csv = options.format() == InputFormat.CSV;
        this.sql = new ImportSql(target, layout, options.format(), tenant);
        // NDJSON's columns are known before the first line, a CSV header's only after it.
        this.direct = !csv && !options.upsert() && !options.skip() && !options.dryRun() && target.keyIsUnique()
                && this.sql.readsAsIs(layout.columns());
        CopyRows rows = new CopyRows(ByteBufAllocator.DEFAULT, layout.size(), (int) properties.chunkSize().toBytes(),
                this.direct ? this.lines : null);
        this.parser = csv ? new CsvParser(layout, rows, this.errors)
                : new NdjsonParser(layout, rows, this.errors, maxLine);
        // Abort mode reads on only to list errors; skip mode until the import is lost.
        long stopAfter = options.skip() ? options.maxErrors() : properties.maxReportedErrors() - 1;
        this.source = new RowSource(body, this.parser, rows, this.errors, maxLine, csv, stopAfter);
    }

    /**
     * Imports the body into the dataset's table on a connection in a transaction; the
     * caller commits or rolls back as the result says.
     */
    static Mono<ImportResult> run(Connection connection, Dataset dataset, ImportOptions options,
            ImportProperties properties, BodySource body, Scheduler scheduler) {
        return run(connection, dataset, options, properties, body, scheduler, null);
    }

    /**
     * As above, with every row confined to {@code tenant} (a dataset bound to one): a
     * line with another value there is rejected, and an upsert never updates a row of
     * another tenant.
     */
    static Mono<ImportResult> run(Connection connection, Dataset dataset, ImportOptions options,
            ImportProperties properties, BodySource body, Scheduler scheduler, @Nullable Tenant tenant) {
        return TargetTable.describe(connection, dataset).flatMap((target) -> {
            if (!target.isTable()) {
                return Mono.error(new BadImportException(HttpStatus.METHOD_NOT_ALLOWED, "Not a table",
                        "Dataset '" + dataset.name() + "' is not a table (it is a view or another kind of relation), "
                                + "so rows cannot be imported into it."));
            }
            if (options.upsert() && !target.keyIsUnique()) {
                return Mono.error(new BadImportException(HttpStatus.UNPROCESSABLE_CONTENT, "Upsert not possible",
                        "mode=upsert needs a unique index or constraint on exactly the key of dataset '"
                                + dataset.name() + "', and its table has none. mode=insert works without one."));
            }
            ImportRun run = new ImportRun(connection, target, options, properties, body, scheduler, tenant);
            Mono<Void> staging = run.direct ? Mono.empty() : run.execute(run.sql.createRows());
            return staging.then(run.copy())
                .then(Mono.defer(run::finish))
                .doOnSuccess((result) -> run.logTimes())
                .doFinally((signal) -> {
                    // Unblocks a waiting read at once; the release waits for it on an
                    // import thread.
                    run.source.stop();
                    scheduler.schedule(run.source::close);
                });
        });
    }

    private Mono<Void> copy() {
        RowSource source = this.source;
        // One chunk is read when the driver asks for it (its concatMap prefetches inner
        // publishers, not chunks).
        CopyFeed feed = new CopyFeed(source::finished, source::next, this.scheduler);
        String copy = this.direct ? this.sql.copyInto(this.parser.written()) : this.sql.copy();
        return physical(this.connection).copyIn(copy)
            .fromMany(feed.chunks())
            .build()
            .doOnTerminate(feed::end)
            .doOnCancel(feed::end)
            .onErrorMap((error) -> (source.failure() != null) ? bodyFailure(source.failure()) : error)
            .onErrorResume((error) -> this.direct && isDataError(error), (error) -> {
                this.refusal = refusal((R2dbcException) error);
                return Mono.just(0L);
            })
            .doOnSuccess((rows) -> {
                this.copied = rows;
                this.staged = System.nanoTime();
            })
            .then();
    }

    // What the table refused, at the line PostgreSQL's COPY context names.
    private ImportError refusal(R2dbcException error) {
        CopyContext context = CopyContext.of(error);
        long line = this.lines.line(context.row());
        String column = context.column();
        if (column != null && this.target.dataset().column(column).isEmpty()) {
            column = null;
        }
        String detail = (context.detail() != null) ? context.detail() : "";
        if ("23505".equals(error.getSqlState()) && Objects.equals(context.constraint(), this.target.keyIndex())) {
            // Earlier rows are in the table by now: the key may have come from either.
            List<Column> key = this.target.dataset().key();
            return new ImportError((line > 0) ? line : null,
                    key.stream().map(Column::name).collect(Collectors.joining(", ")),
                    "a row with this key exists already, in the table or on an earlier line: " + detail,
                    ErrorKind.CONFLICT);
        }
        String reason = error.getMessage() + (detail.isEmpty() ? "" : " (" + detail + ")");
        ErrorKind kind = "23505".equals(error.getSqlState()) ? ErrorKind.CONFLICT : ErrorKind.INVALID;
        return new ImportError((line > 0) ? line : null, column, reason, kind);
    }

    private Mono<ImportResult> finish() {
        ImportError fatal = this.source.fatal();
        if (fatal != null) {
            return Mono.just(aborted(List.of(fatal), 1, EnumSet.of(fatal.kind()), Rejects.NONE));
        }
        if (this.direct) {
            return Mono.just(finishDirect());
        }
        if (this.errors.count() > this.options.tolerated()) {
            return diagnose().map(this::aborted);
        }
        if (this.source.received() == this.errors.count()) {
            // Nothing staged: an empty body, or every line rejected while reading.
            return Mono.just(succeeded(new long[] { 0, 0 }));
        }
        if (!this.target.keyIsUnique()) {
            return diagnoseThenWrite();
        }
        // Most imports are clean: try the whole move first, and look for culprits only if
        // it fails.
        return Mono.from(this.connection.createSavepoint(SAVEPOINT))
            .then(write(false))
            .map(this::succeeded)
            .onErrorResume(ImportRun::isDataError,
                    (error) -> Mono.from(this.connection.rollbackTransactionToSavepoint(SAVEPOINT))
                        .then(diagnoseThenWrite()));
    }

    private ImportResult finishDirect() {
        ImportError refusal = this.refusal;
        if (refusal != null) {
            return aborted(new Rejects(1, 1, EnumSet.of(refusal.kind()), List.of(refusal)));
        }
        if (this.errors.count() > 0) {
            return aborted(Rejects.NONE);
        }
        return succeeded(new long[] { this.copied, this.copied });
    }

    private Mono<ImportResult> diagnoseThenWrite() {
        return diagnose().flatMap((rejects) -> {
            if (this.errors.count() + rejects.lines() > this.options.tolerated()) {
                return Mono.just(aborted(rejects));
            }
            return write(true).map((written) -> succeeded(written, rejects))
                .onErrorResume(ImportRun::isDataError, (error) -> Mono.just(refused((R2dbcException) error, rejects)));
        });
    }

    // Every bad value, then duplicate keys among the rest, then (mode=insert) keys the
    // table has: each statement one pass over the staged rows.
    private Mono<Rejects> diagnose() {
        ImportSql sql = this.sql;
        List<Column> written = this.parser.written();
        String inputCheck = sql.createInputCheck();
        Mono<Void> steps = ((inputCheck != null) ? execute(inputCheck) : Mono.<Void>empty())
            .then(execute(sql.createRejects()))
            .then(execute(sql.rejectBadValues(written)))
            .then(execute(sql.rejectDuplicateKeys()));
        if (!this.options.upsert()) {
            steps = steps.then(execute(sql.rejectExistingKeys()));
        }
        else if (sql.confined()) {
            steps = steps.then(execute(sql.rejectOtherTenantsKeys()));
        }
        Mono<Rejects> summary = rows(sql.rejectSummary(),
                (row) -> new Rejects(value(row, 0), value(row, 1), kinds(row.get(2, String.class)), List.of()))
            .next();
        Mono<List<ImportError>> list = rows(sql.rejectList(this.properties.maxReportedErrors()),
                (row) -> new ImportError(row.get(0, Long.class), row.get(1, String.class),
                        String.valueOf(row.get(2, String.class)), ErrorKind.valueOf(row.get(3, String.class))))
            .collectList();
        // One statement after the other: the connection runs them in the order they are
        // subscribed.
        return steps.then(summary)
            .flatMap((counts) -> list
                .map((errors) -> new Rejects(counts.lines(), counts.count(), counts.kinds(), errors)));
    }

    // Inserted and written rows.
    private Mono<long[]> write(boolean skipRejected) {
        String insert = this.sql.insert(this.parser.written(), this.options.upsert(), skipRejected);
        if (!this.options.upsert()) {
            return rowCount(insert).map((count) -> new long[] { count, count });
        }
        if (this.target.kind().equals("r")) {
            return rows(insert, (row) -> new long[] { value(row, 0), value(row, 1) }).next();
        }
        // Partitioned: the rows to be updated are counted first.
        return rows(this.sql.existingKeys(skipRejected), (row) -> value(row, 0)).next()
            .flatMap((existing) -> rowCount(insert).map((count) -> new long[] { count - existing, count }));
    }

    private ImportResult succeeded(long[] written) {
        return succeeded(written, Rejects.NONE);
    }

    private ImportResult aborted(Rejects rejects) {
        return aborted(this.errors.errors(), this.errors.count(), this.errors.kinds(), rejects);
    }

    private ImportResult aborted(List<ImportError> parsed, long parsedCount, Set<ErrorKind> parsedKinds,
            Rejects rejects) {
        EnumSet<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        kinds.addAll(parsedKinds);
        kinds.addAll(rejects.kinds());
        // ErrorKind lists kinds most serious first.
        HttpStatus status = kinds.isEmpty() ? HttpStatus.UNPROCESSABLE_CONTENT : kinds.iterator().next().status();
        ImportReport report = report(parsed, parsedCount, rejects, 0, 0);
        return new ImportResult(report, status, abortDetail(report));
    }

    // The move itself failed for a reason no line could be blamed for (a CHECK or foreign
    // key constraint, a trigger): the import is aborted with PostgreSQL's message.
    private ImportResult refused(R2dbcException error, Rejects rejects) {
        ErrorKind kind = "23505".equals(error.getSqlState()) ? ErrorKind.CONFLICT : ErrorKind.INVALID;
        ImportError refusal = new ImportError(null, null,
                "the table refused the rows: " + error.getMessage() + " (SQLSTATE " + error.getSqlState() + ")", kind);
        List<ImportError> list = new ArrayList<>(rejects.list());
        list.add(refusal);
        EnumSet<ErrorKind> kinds = EnumSet.of(kind);
        kinds.addAll(rejects.kinds());
        return aborted(new Rejects(rejects.lines(), rejects.count() + 1, kinds, list));
    }

    private ImportResult succeeded(long[] written, Rejects rejects) {
        return new ImportResult(report(this.errors.errors(), this.errors.count(), rejects, written[1], written[0]),
                null, "");
    }

    private ImportReport report(List<ImportError> parsed, long parsedCount, Rejects rejects, long written,
            long inserted) {
        List<ImportError> all = new ArrayList<>(parsed);
        all.addAll(rejects.list());
        all.sort(Comparator.comparing((ImportError error) -> (error.line() != null) ? error.line() : 0L));
        List<ImportError> shown = all.subList(0, Math.min(all.size(), this.properties.maxReportedErrors()));
        return new ImportReport(this.target.dataset().name(), this.options.format().token(),
                this.options.upsert() ? "upsert" : "insert", this.options.skip() ? "skip" : "abort",
                this.options.dryRun(), this.source.received(), written, inserted, written - inserted,
                this.errors.count() + rejects.lines(), shown, parsedCount + rejects.count() - shown.size());
    }

    private String abortDetail(ImportReport report) {
        StringBuilder detail = new StringBuilder("The import was aborted and nothing was written: ");
        if (report.rejected() > this.options.tolerated()) {
            detail.append(report.rejected()).append(" of ").append(report.received()).append(" line(s) rejected");
            detail.append(this.options.skip() ? ", more than maxErrors=" + this.options.maxErrors() + "."
                    : " (onError=abort).");
        }
        else {
            detail.append("the body as a whole cannot be imported.");
        }
        if (!report.errors().isEmpty()) {
            ImportError first = report.errors().get(0);
            detail.append(" First: ");
            if (first.line() != null) {
                detail.append("line ").append(first.line()).append(", ");
            }
            if (first.column() != null) {
                detail.append("column '").append(first.column()).append("', ");
            }
            detail.append(first.reason()).append('.');
        }
        if (this.source.stoppedAt() > 0) {
            detail.append(" Reading stopped at line ").append(this.source.stoppedAt()).append('.');
        }
        if (this.refusal != null) {
            detail.append(" In this mode rows go straight into the table and the first one it refuses ends the import;"
                    + " dryRun=true checks every line and lists each error.");
        }
        return detail.toString();
    }

    private Throwable bodyFailure(Throwable failure) {
        if (failure instanceof ErrorResponseException) {
            return failure;
        }
        return new BadImportException(HttpStatus.BAD_REQUEST, "Unreadable body",
                "The request body could not be read to its end: " + failure.getMessage());
    }

    private void logTimes() {
        if (logger.isDebugEnabled()) {
            logger.debug(String.format("Import into %s: %d lines read and staged in %d ms, then %d ms to finish",
                    this.target.dataset().name(), this.source.received(), (this.staged - this.started) / 1_000_000,
                    (System.nanoTime() - this.staged) / 1_000_000));
        }
    }

    private Mono<Long> rowCount(String statement) {
        return Flux.from(this.connection.createStatement(statement).execute())
            .concatMap((result) -> result.getRowsUpdated())
            .reduce(0L, Long::sum);
    }

    private Mono<Void> execute(String statement) {
        return Flux.from(this.connection.createStatement(statement).execute())
            .concatMap((result) -> result.getRowsUpdated())
            .then();
    }

    private <T> Flux<T> rows(String statement, java.util.function.Function<Readable, T> mapper) {
        return Flux.from(this.connection.createStatement(statement).execute())
            .concatMap((result) -> result.map((row, metadata) -> mapper.apply(row)));
    }

    private static long value(Readable row, int index) {
        Long value = row.get(index, Long.class);
        return (value != null) ? value : 0;
    }

    private static Set<ErrorKind> kinds(@Nullable String list) {
        EnumSet<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        if (list != null && !list.isEmpty()) {
            for (String kind : list.split(",")) {
                kinds.add(ErrorKind.valueOf(kind));
            }
        }
        return kinds;
    }

    // Class 22 (data exception: bad input), 23 (integrity), 21000 (ON CONFLICT meeting a
    // row twice).
    private static boolean isDataError(Throwable error) {
        if (!(error instanceof R2dbcException r2dbc) || r2dbc.getSqlState() == null) {
            return false;
        }
        String state = r2dbc.getSqlState();
        return state.startsWith("22") || state.startsWith("23") || state.equals("21000");
    }

    private static PostgresqlConnection physical(Connection connection) {
        Connection current = connection;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner
                && inner != current) {
            current = inner;
        }
        if (current instanceof PostgresqlConnection postgres) {
            return postgres;
        }
        throw new IllegalStateException("Imports need r2dbc-postgresql, not " + current.getClass().getName());
    }

    /** What the checks of the staged rows found. */
    private record Rejects(long lines, long count, Set<ErrorKind> kinds, List<ImportError> list) {

        static final Rejects NONE = new Rejects(0, 0, Set.of(), List.of());

    }

}
