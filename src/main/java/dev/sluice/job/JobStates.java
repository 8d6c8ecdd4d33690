package dev.sluice.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code sluice.jobs} (tags {@code type}, {@code state}): export and import
 * jobs by state across all replicas, as the job tables hold them. Counted every
 * {@code sluice.job-metrics.interval}, off the scrape, so a scrape never waits for the
 * database; a count that fails keeps the last figures.
 */
@Component
class JobStates implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(JobStates.class);

    // Table and states as the migrations define them (V1, V2); fixed text, never input.
    private static final Map<String, Table> TABLES = Map.of("export",
            new Table("sluice_export", List.of("queued", "running", "succeeded", "failed", "cancelled", "expired")),
            "import", new Table("sluice_import", List.of("queued", "running", "succeeded", "failed", "cancelled")));

    private final DatabaseClient database;

    private final JobMetricsProperties properties;

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private @Nullable Disposable counting;

    JobStates(DatabaseClient database, JobMetricsProperties properties, MeterRegistry registry) {
        this.database = database;
        this.properties = properties;
        TABLES.forEach((type, table) -> table.states().forEach((state) -> {
            AtomicLong count = new AtomicLong();
            this.counts.put(type + "/" + state, count);
            registry.gauge("sluice.jobs", Tags.of("type", type, "state", state), count);
        }));
    }

    @Override
    public synchronized void start() {
        this.counting = Flux.interval(Duration.ZERO, this.properties.interval())
            .onBackpressureDrop()
            .concatMap((tick) -> count(), 1)
            .subscribe();
    }

    @Override
    public synchronized void stop() {
        Disposable counting = this.counting;
        if (counting != null) {
            counting.dispose();
        }
        this.counting = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return this.counting != null;
    }

    private Mono<Void> count() {
        return Flux.fromIterable(TABLES.entrySet())
            .concatMap((entry) -> this.database
                .sql("SELECT state, count(*) AS jobs FROM " + entry.getValue().name() + " GROUP BY state")
                .map((row, metadata) -> Map.entry(entry.getKey() + "/" + row.get("state", String.class),
                        row.get("jobs", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .doOnNext((found) -> entry.getValue()
                    .states()
                    .forEach((state) -> this.counts.get(entry.getKey() + "/" + state)
                        .set(found.getOrDefault(entry.getKey() + "/" + state, 0L)))))
            .then()
            .onErrorResume((ex) -> {
                logger.debug("Could not count jobs by state; the gauges keep their last figures", ex);
                return Mono.empty();
            });
    }

    private record Table(String name, List<String> states) {
    }

}
