package dev.sluice.ingest;

import dev.sluice.catalog.Catalog;
import dev.sluice.database.Transactions;
import dev.sluice.storage.Storage;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** What an import job's run needs, in one place. */
@Component
class ImportJobRunner {

    final ImportJobs jobs;

    final Catalog catalog;

    final Storage storage;

    final Transactions transactions;

    final JsonMapper json;

    final ImportProperties imports;

    final ImportJobProperties properties;

    final MeterRegistry metrics;

    /** Where files are read (reading blocks). */
    final Scheduler readers = Schedulers.boundedElastic();

    ImportJobRunner(ImportJobs jobs, Catalog catalog, Storage storage, Transactions transactions, JsonMapper json,
            ImportProperties imports, ImportJobProperties properties, MeterRegistry metrics) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.catalog = catalog;
        this.storage = storage;
        this.transactions = transactions;
        this.json = json;
        this.imports = imports;
        this.properties = properties;
    }

    ImportJobRun run(ImportJob job) {
        return new ImportJobRun(job, this);
    }

}
