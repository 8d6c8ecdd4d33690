package dev.sluice.export;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.exports.*}: how export jobs run.
 *
 * @param concurrentJobs jobs this replica runs at once
 * @param pollInterval how often an idle worker looks for a queued job
 * @param lease how long a claimed job stays with its replica without a heartbeat; a job
 * whose lease ran out is claimed again by any replica
 * @param heartbeat how often a running job renews its lease, saves its progress and
 * checks for a cancel
 * @param retention how long finished exports (and their files) are kept
 * @param retryAfterCap the longest {@code Retry-After} a poller is told to wait
 * @param maxAttempts runs of a job that fails for a passing reason (the database or store
 * unreachable) before it is marked failed
 * @param gzipLevel the deflate level for gzip exports (1 fastest, 9 smallest)
 * @param snapshotMaxAge how long a job may hold its snapshot (which holds back vacuum)
 * before it fails
 * @param replicaId this replica's name in the job table; by default host name and a
 * random suffix
 */
@ConfigurationProperties("sluice.exports")
public record ExportProperties(@DefaultValue("2") int concurrentJobs, @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("30s") Duration lease, @DefaultValue("1s") Duration heartbeat,
        @DefaultValue("7d") Duration retention, @DefaultValue("30s") Duration retryAfterCap,
        @DefaultValue("3") int maxAttempts, @DefaultValue("6") int gzipLevel,
        @DefaultValue("12h") Duration snapshotMaxAge, @Nullable String replicaId) {
}
