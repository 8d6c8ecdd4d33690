package dev.sluice.stream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.SignalType;

import org.springframework.stereotype.Component;

/**
 * What streams do, as metrics ({@code sluice.stream.*}) and one log line per stream at
 * its end: dataset, rows, bytes, duration and outcome, never a row's content.
 */
@Component
class StreamMetrics {

    private static final Logger logger = LoggerFactory.getLogger(StreamMetrics.class);

    private final MeterRegistry registry;

    StreamMetrics(MeterRegistry registry, StreamLimits limits) {
        this.registry = registry;
        Gauge.builder("sluice.stream.active", limits, StreamLimits::active)
            .description("Row streams running on this replica")
            .register(registry);
    }

    /** A stream refused by a limit ({@code replica} or {@code caller}). */
    void refused(String limit) {
        Counter.builder("sluice.stream.refused")
            .description("Row streams refused with 429 because a limit was reached")
            .tag("limit", limit)
            .register(this.registry)
            .increment();
    }

    /** A stream that starts now. */
    Record start(String dataset, @Nullable String requestId) {
        return new Record(dataset, requestId);
    }

    /** How a stream ended. */
    enum Outcome {

        /** Every row sent, the response ended cleanly. */
        COMPLETED,
        /** The client went away before the end. */
        CLIENT_GONE,
        /** The client stopped reading for the idle timeout and was cut off. */
        IDLE_CUTOFF,
        /** Still running when the shutdown's grace period ended: cut short. */
        SHUTDOWN,
        /** Failed after rows went out: the response was cut short. */
        TRUNCATED,
        /** Failed before anything went out: the client got a problem instead. */
        FAILED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

    }

    /** One stream's figures; rows and bytes are added by the stream's own thread. */
    final class Record {

        private final String dataset;

        private final @Nullable String requestId;

        private final long startedAt = System.nanoTime();

        private final Counter rowsCounter;

        private final Counter bytesCounter;

        private long rows;

        private long rowsCounted;

        private long bytes;

        private volatile boolean idle;

        private volatile boolean shutdown;

        private volatile @Nullable Throwable error;

        private Record(String dataset, @Nullable String requestId) {
            this.dataset = dataset;
            this.requestId = requestId;
            this.rowsCounter = Counter.builder("sluice.stream.rows")
                .description("Rows streamed")
                .tag("dataset", dataset)
                .register(StreamMetrics.this.registry);
            this.bytesCounter = Counter.builder("sluice.stream.bytes")
                .description("Bytes streamed (before compression)")
                .baseUnit("bytes")
                .tag("dataset", dataset)
                .register(StreamMetrics.this.registry);
        }

        void row() {
            this.rows++;
        }

        /** A chunk went out: its rows and bytes count. */
        void chunk(int size) {
            this.bytes += size;
            this.bytesCounter.increment(size);
            this.rowsCounter.increment(this.rows - this.rowsCounted);
            this.rowsCounted = this.rows;
        }

        void idle() {
            this.idle = true;
        }

        void shutdown() {
            this.shutdown = true;
        }

        void failed(Throwable error) {
            this.error = error;
        }

        void end(SignalType signal) {
            Outcome outcome = outcome(signal);
            long nanos = System.nanoTime() - this.startedAt;
            MeterRegistry registry = StreamMetrics.this.registry;
            Timer.builder("sluice.stream.duration")
                .description("How long row streams took, by how they ended")
                .tag("dataset", this.dataset)
                .tag("outcome", outcome.tag())
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
            if (outcome == Outcome.CLIENT_GONE || outcome == Outcome.IDLE_CUTOFF) {
                Counter.builder("sluice.stream.client.aborts")
                    .description("Row streams that ended because the client went away or was cut off idle")
                    .tag("dataset", this.dataset)
                    .register(registry)
                    .increment();
            }
            if (outcome == Outcome.TRUNCATED || outcome == Outcome.SHUTDOWN) {
                Counter.builder("sluice.stream.truncated")
                    .description("Row streams that failed after the response started (cut short)")
                    .tag("dataset", this.dataset)
                    .register(registry)
                    .increment();
            }
            log(outcome, Duration.ofNanos(nanos));
        }

        private Outcome outcome(SignalType signal) {
            if (this.idle) {
                return Outcome.IDLE_CUTOFF;
            }
            if (this.shutdown && signal != SignalType.ON_COMPLETE) {
                return Outcome.SHUTDOWN;
            }
            Throwable error = this.error;
            if (signal == SignalType.ON_COMPLETE && error == null) {
                return Outcome.COMPLETED;
            }
            if (signal == SignalType.CANCEL || error instanceof ClientGoneException) {
                return Outcome.CLIENT_GONE;
            }
            return (this.bytes > 0) ? Outcome.TRUNCATED : Outcome.FAILED;
        }

        private void log(Outcome outcome, Duration duration) {
            String requestId = this.requestId;
            try (MDC.MDCCloseable id = (requestId != null) ? MDC.putCloseable("requestId", requestId) : null) {
                Throwable error = this.error;
                logger.atInfo()
                    .addKeyValue("dataset", this.dataset)
                    .addKeyValue("rows", this.rows)
                    .addKeyValue("bytes", this.bytes)
                    .addKeyValue("durationMs", duration.toMillis())
                    .addKeyValue("outcome", outcome.tag())
                    .log("Stream of {} ended {}: {} rows, {} bytes in {} ms{}", this.dataset, outcome.tag(), this.rows,
                            this.bytes, duration.toMillis(), (error != null && outcome != Outcome.CLIENT_GONE)
                                    ? " (" + error.getClass().getSimpleName() + ")" : "");
            }
        }

    }

}
