package dev.sluice.export;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.catalog.Catalog;
import dev.sluice.database.RowReader;
import dev.sluice.database.Snapshots;
import dev.sluice.storage.Storage;
import dev.sluice.stream.StreamProperties;
import tools.jackson.databind.json.JsonMapper;

import io.micrometer.core.instrument.Gauge;
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

    final Snapshots snapshots;

    /** When each snapshot this replica holds for a job was taken, by job. */
    final Map<UUID, Instant> heldSnapshots = new ConcurrentHashMap<>();

    final Storage storage;

    final JsonMapper json;

    final ExportProperties properties;

    final int fetchSize;

    final int chunkSize;

    final String version;

    final MeterRegistry metrics;

    ExportRunner(ExportJobs jobs, Catalog catalog, RowReader reader, Snapshots snapshots, Storage storage,
            JsonMapper json, ExportProperties properties, StreamProperties stream,
            ObjectProvider<BuildProperties> build, MeterRegistry metrics) {
        this.snapshots = snapshots;
        // A held snapshot keeps vacuum from removing rows that died after it: its age is
        // what an operator watches (and sluice.exports.snapshot-max-age bounds).
        Gauge.builder("sluice.export.snapshot.age", this.heldSnapshots, ExportRunner::oldest)
            .baseUnit("seconds")
            .description("Age of the oldest snapshot this replica holds for an export job (0 when none)")
            .register(metrics);
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

    private static double oldest(Map<UUID, Instant> held) {
        Instant now = Instant.now();
        return held.values()
            .stream()
            .mapToDouble((taken) -> Duration.between(taken, now).toMillis() / 1000.0)
            .max()
            .orElse(0);
    }

    ExportRun run(ExportJob job) {
        return new ExportRun(job, this);
    }

}
