package dev.sluice.storage;

import java.io.IOException;
import java.time.Duration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The readiness probe's view of storage ({@code storage} in the health groups): a replica
 * whose bucket does not answer cannot run export or import jobs, so it should not take
 * traffic. A HeadBucket that hangs must not hang the probe, hence the timeout. (The bean
 * name minus its suffix is the name in the health groups.)
 */
@Component("storageHealthIndicator")
class StorageHealth implements HealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Storage storage;

    StorageHealth(Storage storage) {
        this.storage = storage;
    }

    @Override
    public Health health() {
        try {
            this.storage.check(TIMEOUT);
            return Health.up().withDetail("type", this.storage.type()).build();
        }
        catch (IOException ex) {
            return Health.down().withDetail("type", this.storage.type()).withDetail("error", ex.getMessage()).build();
        }
    }

}
