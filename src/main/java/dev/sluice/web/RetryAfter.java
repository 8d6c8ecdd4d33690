package dev.sluice.web;

import java.time.Duration;
import java.time.Instant;

import org.springframework.http.HttpHeaders;

/**
 * The {@code Retry-After} of a job that is queued or running, for export and import jobs
 * alike.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * Pollers back off by themselves: a tenth of the job's age, between 1 s and the cap.
     * @param open whether the job is queued or running (otherwise no header)
     */
    public static HttpHeaders of(boolean open, Instant createdAt, Duration cap) {
        HttpHeaders headers = new HttpHeaders();
        if (open) {
            long age = Duration.between(createdAt, Instant.now()).toSeconds();
            long delay = Math.max(1, Math.min(age / 10, cap.toSeconds()));
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(delay));
        }
        return headers;
    }

}
