package dev.sluice.ingest;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.import-jobs.*}: how import jobs ({@code POST /v1/imports}) run. Each also
 * holds the limits of {@code sluice.imports.*} for every file.
 *
 * @param concurrentJobs import jobs this replica runs at once, each on a thread and a
 * connection of its own
 * @param pollInterval how often an idle worker looks for a queued job
 * @param lease how long a claimed job stays with its replica without a heartbeat
 * @param heartbeat how often a running job renews its lease, saves its progress and
 * checks for a cancel
 * @param retryAfterCap the longest {@code Retry-After} a poller is told to wait
 * @param maxAttempts runs of a job that fails for a passing reason (the database or store
 * unreachable) before it is marked failed
 * @param worker whether this replica runs import jobs (false: it only serves the API)
 * @param replicaId this replica's name in the job table; by default host name and a
 * random suffix
 */
@ConfigurationProperties("sluice.import-jobs")
public record ImportJobProperties(@DefaultValue("1") int concurrentJobs, @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("30s") Duration lease, @DefaultValue("1s") Duration heartbeat,
        @DefaultValue("30s") Duration retryAfterCap, @DefaultValue("3") int maxAttempts,
        @DefaultValue("true") boolean worker, @Nullable String replicaId) {

    public ImportJobProperties {
        if (concurrentJobs < 1) {
            throw new IllegalArgumentException("sluice.import-jobs.concurrent-jobs must be at least 1");
        }
    }

}
