package dev.sluice.job;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the jobs-by-state gauges are kept.
 *
 * @param interval how often each replica counts the job tables' rows by state
 */
@ConfigurationProperties("sluice.job-metrics")
public record JobMetricsProperties(@DefaultValue("30s") Duration interval) {

    public JobMetricsProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("sluice.job-metrics.interval must be positive, not " + interval);
        }
    }

}
