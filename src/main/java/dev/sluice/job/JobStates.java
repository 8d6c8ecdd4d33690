package dev.sluice.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
            new Table("sluice_export", List.of(JobState.values())), "import",
            new Table("sluice_import", JobState.withoutExpiry()));

    private final DatabaseClient database;

    private final JobMetricsProperties properties;

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private final Semaphore counting = new Semaphore(1);

    private @Nullable Disposable ticks;

    private boolean running;

    JobStates(DatabaseClient database, JobMetricsProperties properties, MeterRegistry registry) {
        this.database = database;
        this.properties = properties;
        TABLES.forEach((type, table) -> table.states().forEach((state) -> {
            AtomicLong count = new AtomicLong();
            this.counts.put(type + "/" + state, count);
            registry.gauge("sluice.jobs", Tags.of("type", type, "state", state.value()), count);
        }));
    }

    @Override
    public synchronized void start() {
        this.running = true;
        this.ticks = Flux.interval(Duration.ZERO, this.properties.interval()).subscribe((tick) -> tick());
    }

    /**
     * Stops counting, after the count in flight: cancelling a query mid-result would make
     * the driver drop the rows it had received without releasing them.
     */
    @Override
    public synchronized void stop() {
        this.running = false;
        Disposable ticks = this.ticks;
        if (ticks != null) {
            ticks.dispose();
        }
        this.ticks = null;
        try {
            if (this.counting.tryAcquire(10, TimeUnit.SECONDS)) {
                this.counting.release();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return this.running;
    }

    // One count at a time (a tick while one runs is skipped), and none once stopped.
    private synchronized void tick() {
        if (this.running && this.counting.tryAcquire()) {
            count().doFinally((signal) -> this.counting.release()).subscribe();
        }
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

    private record Table(String name, List<JobState> states) {
    }

}
