package dev.sluice.ingest;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sluice.database.DatabaseErrors;
import dev.sluice.job.Heartbeat;
import dev.sluice.job.RetryPolicy;
import dev.sluice.job.RunOutcome;
import dev.sluice.job.Stop;
import io.r2dbc.spi.Connection;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.type.TypeReference;

import org.springframework.web.ErrorResponseException;

/**
 * One attempt at a claimed import job, on a job thread of its own (it blocks): every file
 * streamed from storage into its dataset with the synchronous import's engine, all in one
 * transaction that also marks the job succeeded, committed only once every file matched
 * its manifest entry. A cancel, a lost lease or shutdown cancels the transaction, so the
 * server rolls it back.
 */
final class ImportJobRun implements Runnable {

    private static final Log logger = LogFactory.getLog(ImportJobRun.class);

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ImportJob job;

    private final ImportJobRunner runner;

    private final List<ImportJobFile> files;

    private final ImportJobProgress[] progress;

    private final Sinks.One<Stop> stopSignal = Sinks.one();

    private volatile @Nullable Stop stop;

    private volatile int current = -1;

    private volatile @Nullable StoredBody body;

    private volatile long renewedAt = System.nanoTime();

    private long startedAt = System.nanoTime();

    ImportJobRun(ImportJob job, ImportJobRunner runner) {
        this.job = job;
        this.runner = runner;
        this.files = runner.json.readValue(job.files(), new TypeReference<List<ImportJobFile>>() {
        });
        this.progress = new ImportJobProgress[this.files.size()];
        Arrays.fill(this.progress, ImportJobProgress.NONE);
    }

    /** Asks the run to stop: its transaction is cancelled at once. */
    void stop(Stop reason) {
        if (this.stop == null) {
            this.stop = reason;
            this.stopSignal.tryEmitValue(reason);
        }
    }

    @Override
    public void run() {
        this.startedAt = System.nanoTime();
        Heartbeat heartbeat = Heartbeat.start(this.runner.properties.heartbeat(), this::beat);
        try {
            if (this.job.cancelRequested()) {
                stop(Stop.CANCEL);
            }
            Boolean succeeded = (this.stop != null) ? null
                    : this.runner.transactions.run(this::importAll, (held) -> held)
                        .takeUntilOther(this.stopSignal.asMono())
                        .block();
            heartbeat.stop();
            finish(succeeded);
        }
        catch (Throwable ex) {
            heartbeat.stop();
            failed(ex);
        }
    }

    // Every file, then the job's own success, in the transaction Transactions opened.
    private Mono<Boolean> importAll(Connection connection) {
        return Flux.range(0, this.files.size())
            .concatMap((index) -> importFile(connection, index), 1)
            .then(Mono.defer(() -> ImportJobs.succeed(connection, this.job.id(), this.job.attempt(), progressJson())));
    }

    private Mono<Void> importFile(Connection connection, int index) {
        ImportJobFile file = this.files.get(index);
        return Mono.defer(() -> {
            // An export of no rows may leave an empty file even with gzip.
            StoredBody body = new StoredBody(this.runner.storage, file.key(), file.name(),
                    file.gzip() && file.bytes() > 0);
            this.body = body;
            this.current = index;
            ImportOptions options = new ImportOptions(
                    file.format().equals("csv") ? InputFormat.CSV : InputFormat.NDJSON,
                    this.job.mode().equals("upsert"), false, 0, false);
            return Flux.from(connection.createStatement(ImportSql.dropStaging()).execute())
                .concatMap((result) -> result.getRowsUpdated())
                .then(Mono.defer(() -> ImportRun.run(connection, this.runner.catalog.dataset(file.target()), options,
                        this.runner.imports, body, this.runner.readers, file.tenant())))
                .map((result) -> checked(file, body, result))
                .doOnNext((report) -> this.progress[index] = new ImportJobProgress(report.received(), body.bytes(),
                        report.inserted(), report.updated(), true, this.runner.json.valueToTree(report)))
                .onErrorMap((error) -> !(error instanceof FileFailure), (error) -> FileFailure.of(file, body, error))
                .then();
        });
    }

    // The checksums first: a tampered file is reported as such, even where its lines
    // were also refused.
    private static ImportReport checked(ImportJobFile file, StoredBody body, ImportResult result) {
        if (body.complete()) {
            if (body.bytes() != file.bytes()) {
                throw new FileFailure(file, "it has " + body.bytes() + " bytes where the manifest says " + file.bytes()
                        + ": it is not the file the export wrote", false);
            }
            String sha256 = body.sha256();
            if (!sha256.equals(file.sha256())) {
                throw new FileFailure(file, "its sha256 is " + sha256 + " where the manifest says " + file.sha256()
                        + ": it is not the file the export wrote", false);
            }
        }
        if (result.abortStatus() != null) {
            throw new FileFailure(file,
                    result.detail().replaceFirst("^The import was aborted and nothing was written: ", ""), false);
        }
        if (!body.complete()) {
            throw new FileFailure(file, "it was not read to its end", false);
        }
        if (result.report().received() != file.rows()) {
            throw new FileFailure(file,
                    "it holds " + result.report().received() + " rows where the manifest says " + file.rows(), false);
        }
        return result.report();
    }

    private void finish(@Nullable Boolean succeeded) {
        if (Boolean.TRUE.equals(succeeded)) {
            logger.debug("Import job " + this.job.id() + " succeeded");
            recordRun(RunOutcome.SUCCEEDED);
            for (int i = 0; i < this.files.size(); i++) {
                Tags dataset = Tags.of("dataset", this.files.get(i).target());
                this.runner.metrics.counter("sluice.import.rows", dataset).increment(this.progress[i].rows());
                this.runner.metrics.counter("sluice.import.bytes", dataset).increment(this.progress[i].bytes());
            }
            return;
        }
        Stop reason = this.stop;
        // No stop but a refused success: a cancel came first.
        recordRun((reason == null) ? RunOutcome.CANCELLED : RunOutcome.of(reason));
        try {
            if (reason == Stop.LEASE_LOST) {
                logger.warn("Import job " + this.job.id() + " lost its lease; another replica runs it again");
            }
            else if (reason == Stop.SHUTDOWN) {
                if (block(this.runner.jobs.requeue(this.job.id(), this.job.attempt(), Duration.ZERO, null))) {
                    logger.info("Import job " + this.job.id() + " went back to the queue at shutdown, nothing "
                            + "written; another replica runs it again");
                }
            }
            else {
                // Cancelled, or the success was refused: a cancel came first, or another
                // replica holds the job (then this changes nothing).
                block(this.runner.jobs.cancelled(this.job.id(), this.job.attempt(), progressJson()));
            }
        }
        catch (RuntimeException ex) {
            // The database is gone: the lease runs out and another attempt follows.
            logger.warn("Could not record the end of import job " + this.job.id(), ex);
        }
    }

    // One run of a job, by how it ended: its count and duration per outcome.
    private void recordRun(RunOutcome outcome) {
        this.runner.metrics.timer("sluice.import.runs", "outcome", outcome.tag())
            .record(System.nanoTime() - this.startedAt, TimeUnit.NANOSECONDS);
    }

    private void failed(Throwable error) {
        Stop reason = this.stop;
        if (reason != null) {
            finish(null);
            return;
        }
        String message = describe(error);
        RetryPolicy policy = RetryPolicy.of(this.runner.properties.maxAttempts());
        boolean retry = policy.retries(this.job.attempt(), error);
        recordRun(retry ? RunOutcome.RETRIED : RunOutcome.FAILED);
        try {
            if (retry) {
                logger.warn("Import job " + this.job.id() + " attempt " + this.job.attempt() + " failed, will retry: "
                        + message, error);
                block(this.runner.jobs.requeue(this.job.id(), this.job.attempt(), policy.delay(this.job.attempt()),
                        message));
            }
            else {
                logger.info("Import job " + this.job.id() + " failed: " + message);
                block(this.runner.jobs.fail(this.job.id(), this.job.attempt(), message, progressJson()));
            }
        }
        catch (RuntimeException ex) {
            // The database is gone too: the lease runs out and another attempt follows.
            logger.warn("Could not record the failure of import job " + this.job.id(), ex);
        }
    }

    private Mono<Void> beat() {
        return this.runner.jobs
            .heartbeat(this.job.id(), this.job.attempt(), this.runner.properties.lease(), progressJson())
            .doOnNext((cancelRequested) -> {
                this.renewedAt = System.nanoTime();
                if (cancelRequested) {
                    stop(Stop.CANCEL);
                }
            })
            .switchIfEmpty(Mono.fromRunnable(() -> stop(Stop.LEASE_LOST)))
            .onErrorResume((error) -> {
                // Past two thirds of the lease without renewal another replica may claim
                // the job soon: stop before it does.
                if (System.nanoTime() - this.renewedAt > this.runner.properties.lease().toNanos() * 2 / 3) {
                    stop(Stop.LEASE_LOST);
                }
                logger.warn("Import job " + this.job.id() + " could not renew its lease", error);
                return Mono.empty();
            })
            .then();
    }

    private String progressJson() {
        List<ImportJobProgress> snapshot = new ArrayList<>(Arrays.asList(this.progress));
        int index = this.current;
        StoredBody body = this.body;
        if (index >= 0 && body != null && !snapshot.get(index).done()) {
            snapshot.set(index, new ImportJobProgress(body.lines(), body.bytes(), 0, 0, false, null));
        }
        return this.runner.json.writeValueAsString(snapshot);
    }

    private static <T> T block(Mono<T> mono) {
        T value = mono.block(TIMEOUT);
        if (value == null) {
            throw new IllegalStateException("No answer from the job table");
        }
        return value;
    }

    /** What went wrong, in words a user can act on. */
    static String describe(Throwable error) {
        if (error instanceof FileFailure) {
            return error.getMessage();
        }
        Throwable translated = DatabaseErrors.translate(error);
        if (translated instanceof ErrorResponseException response) {
            String detail = response.getBody().getDetail();
            return (detail != null) ? detail : String.valueOf(response.getBody().getTitle());
        }
        return "The import failed: " + error;
    }

    /** A file that could not be imported; its message names the file. */
    static final class FileFailure extends RuntimeException implements RetryPolicy.Passing {

        private final boolean passing;

        FileFailure(ImportJobFile file, String why, boolean passing) {
            super("File " + file.name() + " (dataset '" + file.dataset() + "' into '" + file.target() + "'): " + why
                    + (why.endsWith(".") ? "" : ".") + " Nothing was written.");
            this.passing = passing;
        }

        @Override
        public boolean passing() {
            return this.passing;
        }

        static FileFailure of(ImportJobFile file, StoredBody body, Throwable error) {
            IOException read = body.readFailure();
            if (read instanceof NoSuchFileException) {
                return new FileFailure(file, "it is not in storage (" + read.getMessage() + ")", false);
            }
            if (read != null) {
                return new FileFailure(file, "reading it from storage failed: " + read.getMessage(), true);
            }
            return new FileFailure(file, describe(error), RetryPolicy.passing(error));
        }

    }

}
