package dev.sluice.export;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import dev.sluice.catalog.DatasetNotFoundException;
import dev.sluice.database.DatabaseUnavailableException;
import dev.sluice.database.HeldSnapshot;
import dev.sluice.database.Snapshot;
import dev.sluice.encode.Format;
import dev.sluice.job.Heartbeat;
import dev.sluice.job.RetryPolicy;
import dev.sluice.job.RunOutcome;
import dev.sluice.job.Stop;
import dev.sluice.query.BadQueryException;
import dev.sluice.query.Confinement;
import dev.sluice.query.QueryParser;
import dev.sluice.query.Selection;
import dev.sluice.storage.FileUpload;
import dev.sluice.storage.StaleUploadException;
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
 * One attempt at a claimed job, on a job thread of its own (it blocks): the parts in
 * order, each continued from its checkpoint, then the manifest. A heartbeat renews the
 * lease, saves progress and notices a cancel or a lost lease; the run then stops within
 * one chunk.
 */
final class ExportRun implements Runnable {

    private static final Log logger = LogFactory.getLog(ExportRun.class);

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private volatile ExportJob job;

    private final ExportRunner runner;

    private final PartProgress progress;

    private final Sinks.One<Stop> stopSignal = Sinks.one();

    private volatile @Nullable Stop stop;

    // The snapshot held for this attempt's parts (a consistent job only), until they end.
    private volatile @Nullable HeldSnapshot held;

    // Set by the heartbeat when the held snapshot has outlived snapshot-max-age: the run
    // then fails, stopping its query like a stop does.
    private final Sinks.One<Boolean> tooOldSignal = Sinks.one();

    private volatile boolean tooOld;

    private volatile long renewedAt = System.nanoTime();

    private long startedAt = System.nanoTime();

    ExportRun(ExportJob job, ExportRunner runner) {
        this.job = job;
        this.runner = runner;
        this.progress = new PartProgress(runner.json);
    }

    ExportJob job() {
        return this.job;
    }

    /** Asks the run to stop; it does within one chunk. */
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
            if (this.stop == null && this.job.consistency() == Consistency.SNAPSHOT) {
                takeSnapshot();
            }
            for (ExportJob.Part part : this.job.parts()) {
                if (this.stop != null) {
                    break;
                }
                if (this.tooOld) {
                    throw tooOld();
                }
                if (!part.done()) {
                    runPart(part);
                }
            }
            releaseSnapshot();
            this.progress.idle();
            if (this.stop == null) {
                writeManifest();
            }
            heartbeat.stop();
            finish();
        }
        catch (Throwable ex) {
            heartbeat.stop();
            releaseSnapshot();
            failed(ex);
        }
    }

    /**
     * Holds a new snapshot for this attempt's parts. Files an earlier attempt wrote were
     * read from another snapshot, which ended with that attempt: they go, and every part
     * starts over, so that no job finishes with files from two snapshots.
     */
    private void takeSnapshot() {
        HeldSnapshot snapshot = block(this.runner.snapshots.hold("sluice export " + this.job.id()));
        this.held = snapshot;
        // Its age by this replica's clock, which may differ from the database's.
        this.runner.heldSnapshots.put(this.job.id(), Instant.now());
        String reason = null;
        if (this.job.started()) {
            Snapshot earlier = this.job.snapshot();
            reason = "Attempt " + this.job.attempt() + " started over from a new snapshot: the files written so far"
                    + " were read from "
                    + ((earlier != null) ? "the snapshot taken at " + earlier.takenAt() : "the database as it was then")
                    + ", which ended with the attempt before" + ((this.job.error() != null)
                            ? " (" + this.job.error() + ")." : " (the server stopped or lost the job).");
            logger.info("Export " + this.job.id() + ": " + reason);
        }
        // The parts are reset before their files go, so that a run which lost the job
        // meanwhile deletes nothing.
        if (!block(this.runner.jobs.useSnapshot(this.job.id(), this.job.attempt(), snapshot.snapshot(), reason))) {
            stop(Stop.LEASE_LOST);
            return;
        }
        if (reason != null) {
            deleteFiles();
        }
        this.job = block(this.runner.jobs.find(this.job.id()));
    }

    private void releaseSnapshot() {
        HeldSnapshot snapshot = this.held;
        if (snapshot != null) {
            this.held = null;
            this.runner.heldSnapshots.remove(this.job.id());
            try {
                snapshot.release().block(TIMEOUT);
            }
            catch (RuntimeException ex) {
                // Interrupted (a crash, in tests): the release was cancelled, which
                // discards the connection.
                logger.debug("Export " + this.job.id() + " stopped waiting for its snapshot's release", ex);
            }
        }
    }

    private IllegalStateException tooOld() {
        return new IllegalStateException("The export held its snapshot longer than sluice.exports.snapshot-max-age ("
                + this.runner.properties.snapshotMaxAge() + ") allows: a held snapshot keeps vacuum from removing dead"
                + " rows. Export less per job, raise the limit, or submit with \"consistency\": \"none\".");
    }

    private void finish() {
        Stop reason = this.stop;
        ExportProperties properties = this.runner.properties;
        recordRun((reason == null) ? RunOutcome.SUCCEEDED : RunOutcome.of(reason));
        if (reason == null) {
            if (!block(this.runner.jobs.succeed(this.job.id(), this.job.attempt(), properties.retention()))) {
                logger.info("Export " + this.job.id() + " finished, but another replica holds it now");
            }
            return;
        }
        switch (reason) {
            case CANCEL -> {
                if (block(this.runner.jobs.cancelled(this.job.id(), this.job.attempt(), properties.retention()))) {
                    deleteFiles();
                }
            }
            case SHUTDOWN -> {
                saveProgress();
                if (block(this.runner.jobs.requeue(this.job.id(), this.job.attempt(), Duration.ZERO, null))) {
                    logger.info("Export " + this.job.id() + " went back to the queue at shutdown with its progress "
                            + "saved; another replica resumes it");
                }
            }
            case LEASE_LOST -> logger.warn("Export " + this.job.id() + " lost its lease; another replica continues it");
        }
    }

    // One run of a job, by how it ended: its count and duration per outcome.
    private void recordRun(RunOutcome outcome) {
        this.runner.metrics.timer("sluice.export.runs", "outcome", outcome.tag())
            .record(System.nanoTime() - this.startedAt, TimeUnit.NANOSECONDS);
    }

    private void failed(Throwable error) {
        String message = describe(error);
        if (this.stop == Stop.LEASE_LOST) {
            recordRun(RunOutcome.LEASE_LOST);
            return;
        }
        recordRun(willRetry(error) ? RunOutcome.RETRIED : RunOutcome.FAILED);
        try {
            if (willRetry(error)) {
                logger.warn("Export " + this.job.id() + " attempt " + this.job.attempt() + " failed, will retry: "
                        + message, error);
                saveProgress();
                block(this.runner.jobs.requeue(this.job.id(), this.job.attempt(),
                        retryPolicy().delay(this.job.attempt()), message));
            }
            else {
                logger.warn("Export " + this.job.id() + " failed: " + message, error);
                // The files go only once the table says this attempt failed: the error
                // may be a lost answer to a success the database did record.
                if (block(this.runner.jobs.fail(this.job.id(), this.job.attempt(), message,
                        this.runner.properties.retention()))) {
                    deleteFiles();
                }
                else {
                    logger.info("Export " + this.job.id() + " is no longer running under attempt " + this.job.attempt()
                            + "; its files stay as the job table has them");
                }
            }
        }
        catch (RuntimeException ex) {
            // The database is gone too: the lease runs out and another attempt follows.
            logger.warn("Could not record the failure of export " + this.job.id(), ex);
        }
    }

    // The submitter's tenant, as stored at submission: the worker has no caller.
    private static Selection confined(Selection selection, Dataset dataset, ExportJob.Part part) {
        if (part.tenantColumn() == null) {
            return selection;
        }
        Column column = dataset.column(part.tenantColumn())
            .orElseThrow(() -> new IllegalStateException("Dataset " + dataset.name() + " has no column "
                    + part.tenantColumn() + " any more; the export's tenant cannot be applied"));
        return selection.confined(new Confinement(column, String.valueOf(part.tenantValue())));
    }

    private void runPart(ExportJob.Part part) throws IOException {
        Dataset dataset = this.runner.catalog.dataset(part.dataset());
        Selection selection = confined(QueryParser.parse(dataset, part.query()), dataset, part);
        String key = this.job.key(part.fileName());
        Checkpoint checkpoint = (part.checkpoint() != null)
                ? this.runner.json.readValue(part.checkpoint(), Checkpoint.class) : null;
        FileUpload upload = null;
        if (checkpoint != null && checkpoint.resumable() && selection.keyOrdered()) {
            try {
                upload = this.runner.storage.upload(key, checkpoint.upload());
                logger.info(
                        "Export " + this.job.id() + " resumes " + part.fileName() + " after row " + checkpoint.rows());
            }
            catch (StaleUploadException ex) {
                logger.info("Export " + this.job.id() + " starts " + part.fileName() + " over: " + ex.getMessage());
            }
        }
        else if (checkpoint != null) {
            discard(key, checkpoint);
        }
        if (upload == null) {
            checkpoint = null;
            if (!block(this.runner.jobs.restartPart(this.job.id(), this.job.attempt(), part.index()))) {
                stop(Stop.LEASE_LOST);
                return;
            }
            upload = this.runner.storage.upload(key, null);
        }
        this.progress.start(part.index());
        boolean completed = false;
        try {
            PartWriter writer = new PartWriter(upload, hash(key, checkpoint), gzipLevel(), checkpoint, this.progress);
            write(writer, (checkpoint != null) ? selection.resumed(checkpoint.lastKey(), checkpoint.rows()) : selection,
                    checkpoint != null);
            Stop reason = this.stop;
            if (reason != null) {
                completed = true;
                if (reason == Stop.CANCEL) {
                    upload.abort();
                }
                else {
                    upload.release();
                }
                return;
            }
            PartWriter.WrittenFile file = writer.finish();
            completed = true;
            if (!block(this.runner.jobs.finishPart(this.job.id(), this.job.attempt(), part.index(), file.rows(),
                    file.bytes(), file.sha256()))) {
                stop(Stop.LEASE_LOST);
            }
            else {
                Tags tags = Tags.of("dataset", part.dataset());
                this.runner.metrics.counter("sluice.export.rows", tags).increment(file.rows());
                this.runner.metrics.counter("sluice.export.bytes", tags).increment(file.bytes());
            }
        }
        catch (IOException | RuntimeException ex) {
            if (!completed) {
                // Kept for the next attempt, or discarded for good.
                if (willRetry(ex)) {
                    upload.release();
                }
                else {
                    upload.abort();
                }
            }
            throw ex;
        }
    }

    private void write(PartWriter writer, Selection selection, boolean resumed) throws IOException {
        Format format = format();
        Integer datasetFetchSize = selection.dataset().fetchSize();
        int fetchSize = (datasetFetchSize != null) ? datasetFetchSize : this.runner.fetchSize;
        // A stop cancels the query on the server and the stream ends with an error; the
        // chunks until then are read but not written (a cancelled subscription could
        // drop rows the driver still holds).
        HeldSnapshot snapshot = this.held;
        Flux<Chunk> chunks = PartRows.read(this.runner.reader, selection, format, resumed, fetchSize,
                this.runner.chunkSize, Mono.firstWithSignal(this.stopSignal.asMono(), this.tooOldSignal.asMono()),
                (snapshot != null) ? snapshot.snapshot() : null);
        try (Stream<Chunk> stream = chunks.toStream(16)) {
            Iterator<Chunk> iterator = stream.iterator();
            while (iterator.hasNext()) {
                Chunk chunk = iterator.next();
                if (this.stop == null && !this.tooOld) {
                    writer.write(chunk);
                }
            }
        }
        catch (RuntimeException ex) {
            if (this.stop == null && !this.tooOld) {
                throw ex;
            }
        }
        if (this.tooOld && this.stop == null) {
            throw tooOld();
        }
    }

    // Where the storage reads a partial file back, the JDK's (much faster) SHA-256 hashes
    // it and a resumed file is hashed again from its start; elsewhere the hash state is
    // saved with every checkpoint.
    private FileHash hash(String key, @Nullable Checkpoint checkpoint) throws IOException {
        if (checkpoint != null && checkpoint.hashState() != null) {
            return Sha256.restore(checkpoint.hashState());
        }
        if (!this.runner.storage.readsBack()) {
            return new Sha256();
        }
        JdkSha256 hash = new JdkSha256();
        if (checkpoint != null) {
            try (InputStream partial = this.runner.storage.readPartial(key, checkpoint.upload().bytes())) {
                byte[] buffer = new byte[64 * 1024];
                for (int read = partial.read(buffer); read != -1; read = partial.read(buffer)) {
                    hash.update(buffer, 0, read);
                }
            }
        }
        return hash;
    }

    // A checkpoint that cannot be resumed from still names an upload to clean up.
    private void discard(String key, Checkpoint checkpoint) {
        try {
            this.runner.storage.upload(key, checkpoint.upload()).abort();
        }
        catch (IOException | StaleUploadException ex) {
            logger.debug("Nothing to discard for " + key, ex);
        }
    }

    private void writeManifest() throws IOException {
        ExportJob current = block(this.runner.jobs.find(this.job.id()));
        List<Manifest.File> files = new ArrayList<>();
        for (ExportJob.Part part : current.parts()) {
            List<Manifest.Column> columns = this.runner.json.readValue(part.columns(),
                    new TypeReference<List<Manifest.Column>>() {
                    });
            files.add(new Manifest.File(part.fileName(), part.dataset(), part.query(), columns, part.rows(),
                    part.bytes(), String.valueOf(part.sha256())));
        }
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, new Manifest.Server("sluice", this.runner.version),
                Instant.now(), new Manifest.Export(this.job.id().toString(), this.job.format(), this.job.compression(),
                        this.job.consistency().parameter(), ExportView.SnapshotView.of(current.snapshot())),
                files);
        this.runner.storage.put(this.job.key(Manifest.NAME), manifest.toJson(this.runner.json));
    }

    private void deleteFiles() {
        // Uploads an earlier attempt left unfinished (S3 keeps their parts until
        // aborted).
        for (ExportJob.Part part : this.job.parts()) {
            if (!part.done() && part.checkpoint() != null) {
                discard(this.job.key(part.fileName()), this.runner.json.readValue(part.checkpoint(), Checkpoint.class));
            }
        }
        try {
            this.runner.storage.delete(this.job.keys());
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not delete the files of export " + this.job.id(), ex);
        }
    }

    private Mono<Void> beat() {
        Instant heldSince = this.runner.heldSnapshots.get(this.job.id());
        if (heldSince != null && !this.tooOld
                && Duration.between(heldSince, Instant.now()).compareTo(this.runner.properties.snapshotMaxAge()) > 0) {
            this.tooOld = true;
            this.tooOldSignal.tryEmitValue(true);
        }
        PartProgress.Snapshot snapshot = this.progress.snapshot();
        return this.runner.jobs
            .heartbeat(this.job.id(), this.job.attempt(), this.runner.properties.lease(), snapshot.index(),
                    snapshot.rows(), snapshot.bytes(), snapshot.checkpoint())
            .doOnNext((cancelRequested) -> {
                this.renewedAt = System.nanoTime();
                this.progress.saved(snapshot);
                if (cancelRequested) {
                    stop(Stop.CANCEL);
                }
            })
            .switchIfEmpty(Mono.fromRunnable(() -> stop(Stop.LEASE_LOST)))
            .onErrorResume((error) -> {
                // Past two thirds of the lease without renewal another replica may claim
                // the job soon: stop writing before it does.
                long silent = System.nanoTime() - this.renewedAt;
                if (silent > this.runner.properties.lease().toNanos() * 2 / 3) {
                    stop(Stop.LEASE_LOST);
                }
                logger.warn("Export " + this.job.id() + " could not renew its lease", error);
                return Mono.empty();
            })
            .then();
    }

    private void saveProgress() {
        PartProgress.Snapshot snapshot = this.progress.snapshot();
        if (snapshot.index() >= 0) {
            block(this.runner.jobs
                .heartbeat(this.job.id(), this.job.attempt(), this.runner.properties.lease(), snapshot.index(),
                        snapshot.rows(), snapshot.bytes(), snapshot.checkpoint())
                .defaultIfEmpty(false));
        }
    }

    private Format format() {
        return Format.ofParameter(this.job.format()).orElseThrow();
    }

    private @Nullable Integer gzipLevel() {
        return this.job.compression().equals(Compression.GZIP.parameter()) ? this.runner.properties.gzipLevel() : null;
    }

    private static <T> T block(Mono<T> mono) {
        T value = mono.block(TIMEOUT);
        if (value == null) {
            throw new IllegalStateException("No answer from the job table");
        }
        return value;
    }

    private boolean willRetry(Throwable error) {
        return this.stop != Stop.CANCEL && retryPolicy().retries(this.job.attempt(), error);
    }

    private RetryPolicy retryPolicy() {
        return RetryPolicy.of(this.runner.properties.maxAttempts());
    }

    /** What went wrong, in words a user can act on. */
    static String describe(Throwable error) {
        if (error instanceof DatasetNotFoundException) {
            return "The dataset no longer exists on this server: " + detail((ErrorResponseException) error);
        }
        if (error instanceof BadQueryException bad) {
            return "The part's query no longer fits its dataset: " + detail(bad);
        }
        if (error instanceof ErrorResponseException response) {
            return detail(response);
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof DatabaseUnavailableException unavailable) {
                return detail(unavailable);
            }
            if (cause instanceof IOException) {
                return "Writing to storage failed: " + cause.getMessage();
            }
        }
        return "The export failed: " + error.getMessage();
    }

    private static String detail(ErrorResponseException error) {
        String detail = error.getBody().getDetail();
        return (detail != null) ? detail : String.valueOf(error.getBody().getTitle());
    }

}
