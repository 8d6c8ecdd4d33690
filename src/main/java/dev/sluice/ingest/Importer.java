package dev.sluice.ingest;

import java.util.concurrent.Semaphore;

import dev.sluice.catalog.Dataset;
import dev.sluice.security.Tenant;
import dev.sluice.database.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Runs imports, at most {@code sluice.imports.concurrent-imports} at once, each in one
 * transaction: committed when the import succeeds, rolled back when it is aborted, a dry
 * run, or fails; a cancelled import's connection is discarded, so the server rolls back.
 */
@Component
class Importer {

    private static final Log logger = LogFactory.getLog(Importer.class);

    private final Transactions transactions;

    private final ImportProperties properties;

    private final Semaphore slots;

    private final Scheduler scheduler = Schedulers.boundedElastic();

    private final MeterRegistry metrics;

    Importer(Transactions transactions, ImportProperties properties, MeterRegistry metrics) {
        this.transactions = transactions;
        this.metrics = metrics;
        this.properties = properties;
        this.slots = new Semaphore(properties.concurrentImports());
    }

    // Rows that are in the table now: a dry run's are not.
    private void count(ImportReport report) {
        if (!report.dryRun()) {
            this.metrics.counter("sluice.import.rows", "dataset", report.dataset()).increment(report.written());
        }
    }

    /**
     * Imports a body into a dataset: the report, or an {@link ImportAbortedException}
     * (the body's content) or another problem (the request, the database).
     */
    Mono<ImportReport> run(Dataset dataset, ImportOptions options, BodySource body, @Nullable Tenant tenant) {
        return Mono.defer(() -> {
            if (!this.slots.tryAcquire()) {
                body.abort();
                return Mono
                    .error(BadImportException.busy(this.properties.concurrentImports(), this.properties.retryAfter()));
            }
            return this.transactions
                .run((connection) -> ImportRun.run(connection, dataset, options, this.properties, body, this.scheduler,
                        tenant), ImportResult::commit)
                .doOnError((error) -> logger.debug("Import into " + dataset.name() + " failed", error))
                .doOnCancel(() -> logger.debug("Import into " + dataset.name() + " cancelled"))
                .doFinally((signal) -> this.slots.release())
                .map(ImportResult::reportOrThrow)
                .doOnNext(this::count);
        });
    }

}
