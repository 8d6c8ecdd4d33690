package dev.sluice.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * Counts the streams running on this replica, in all and per caller. A stream past a
 * limit is refused at once (429) rather than queued: a queue of streams would hold
 * requests, and in the end connections, without bound.
 */
@Component
class StreamLimits {

    private final LimitsProperties properties;

    private final AtomicInteger total = new AtomicInteger();

    private final Map<String, Integer> perCaller = new ConcurrentHashMap<>();

    StreamLimits(LimitsProperties properties) {
        this.properties = properties;
    }

    /**
     * Takes a place for a stream of {@code caller}.
     * @throws TooManyStreamsException past a limit
     */
    Permit acquire(String caller) {
        if (this.total.incrementAndGet() > this.properties.maxStreams()) {
            this.total.decrementAndGet();
            throw new TooManyStreamsException("replica",
                    "This server is streaming " + this.properties.maxStreams()
                            + " datasets, its limit (sluice.limits.max-streams). Try again later.",
                    this.properties.retryAfter());
        }
        AtomicBoolean refused = new AtomicBoolean();
        this.perCaller.compute(caller, (name, count) -> {
            int current = (count != null) ? count : 0;
            if (current >= this.properties.maxStreamsPerCaller()) {
                refused.set(true);
                return count;
            }
            return current + 1;
        });
        if (refused.get()) {
            this.total.decrementAndGet();
            throw new TooManyStreamsException("caller", "You have " + this.properties.maxStreamsPerCaller()
                    + " streams running, the most one caller may have at once (sluice.limits.max-streams-per-caller)."
                    + " Wait for one to end, then try again.", this.properties.retryAfter());
        }
        return new Permit(caller);
    }

    /** Streams running now. */
    int active() {
        return this.total.get();
    }

    /** One stream's place; released once, however often {@link #release} is called. */
    final class Permit {

        private final String caller;

        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String caller) {
            this.caller = caller;
        }

        void release() {
            if (this.released.compareAndSet(false, true)) {
                StreamLimits.this.perCaller.computeIfPresent(this.caller,
                        (name, count) -> (count > 1) ? count - 1 : null);
                StreamLimits.this.total.decrementAndGet();
            }
        }

    }

}
