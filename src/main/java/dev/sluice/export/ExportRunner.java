package dev.sluice.export;

import dev.sluice.catalog.Catalog;
import dev.sluice.database.RowReader;
import dev.sluice.storage.Storage;
import dev.sluice.stream.StreamProperties;
import tools.jackson.databind.json.JsonMapper;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/** What a job's run needs, in one place. */
@Component
class ExportRunner {

    final ExportJobs jobs;

    final Catalog catalog;

    final RowReader reader;

    final Storage storage;

    final JsonMapper json;

    final ExportProperties properties;

    final int fetchSize;

    final int chunkSize;

    final String version;

    final MeterRegistry metrics;

    ExportRunner(ExportJobs jobs, Catalog catalog, RowReader reader, Storage storage, JsonMapper json,
            ExportProperties properties, StreamProperties stream, ObjectProvider<BuildProperties> build,
            MeterRegistry metrics) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.catalog = catalog;
        this.reader = reader;
        this.storage = storage;
        this.json = json;
        this.properties = properties;
        this.fetchSize = stream.fetchSize();
        this.chunkSize = (int) stream.chunkSize().toBytes();
        BuildProperties buildProperties = build.getIfAvailable();
        this.version = (buildProperties != null && buildProperties.getVersion() != null) ? buildProperties.getVersion()
                : "unknown";
    }

    ExportRun run(ExportJob job) {
        return new ExportRun(job, this);
    }

}
