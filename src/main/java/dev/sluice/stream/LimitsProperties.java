package dev.sluice.stream;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.limits.*}: how much streaming one replica and one caller may do at once.
 *
 * @param maxStreams row streams this replica serves at once; past it 429. Each holds a
 * database connection, so the default leaves room in a pool of 20 for jobs and imports
 * @param maxStreamsPerCaller row streams one caller (the authenticated name, or
 * {@code anonymous}) may have at once; past it 429
 * @param retryAfter the {@code Retry-After} of a 429
 * @param idleTimeout a client that reads nothing for this long while the server waits to
 * write is cut off, and its database connection released
 */
@ConfigurationProperties("sluice.limits")
public record LimitsProperties(@DefaultValue("15") int maxStreams, @DefaultValue("4") int maxStreamsPerCaller,
        @DefaultValue("5s") Duration retryAfter, @DefaultValue("60s") Duration idleTimeout) {

    public LimitsProperties {
        if (maxStreams < 1 || maxStreamsPerCaller < 1) {
            throw new IllegalArgumentException(
                    "sluice.limits.max-streams and max-streams-per-caller must be at least 1, not " + maxStreams
                            + " and " + maxStreamsPerCaller);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("sluice.limits.idle-timeout must be positive, not " + idleTimeout);
        }
    }

}
