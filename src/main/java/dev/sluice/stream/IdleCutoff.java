package dev.sluice.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Watches the demand the HTTP connection signals for a stream's chunks. A client that
 * stops reading fills its socket, and the connection stops asking for chunks; once it has
 * asked for nothing and been sent nothing for the idle timeout, {@code onIdle} runs (the
 * caller cuts the connection, which ends the query and releases its database connection).
 * A slow database is not an idle client: while chunks are asked for, the clock does not
 * run.
 */
final class IdleCutoff {

    private final Duration timeout;

    private final Runnable onIdle;

    // What the connection asked for and was not yet sent.
    private final AtomicLong outstanding = new AtomicLong();

    // Grows with every request and every chunk: unchanged between two ticks means no
    // activity at all in between.
    private final AtomicLong activity = new AtomicLong();

    private long seenActivity = -1;

    private long quietSince;

    private boolean fired;

    private IdleCutoff(Duration timeout, Runnable onIdle) {
        this.timeout = timeout;
        this.onIdle = onIdle;
    }

    /**
     * The chunks, watched: checked a few times per timeout, so a stalled client is cut
     * off after between one and one and a quarter timeouts.
     */
    static <T> Flux<T> watch(Flux<T> chunks, Duration timeout, Runnable onIdle) {
        return Flux.defer(() -> {
            IdleCutoff cutoff = new IdleCutoff(timeout, onIdle);
            Duration every = Duration.ofMillis(Math.max(10, timeout.toMillis() / 4));
            Disposable ticks = Flux.interval(every, every, Schedulers.parallel())
                .onBackpressureDrop()
                .subscribe((tick) -> cutoff.tick());
            return chunks.doOnRequest(cutoff::requested)
                .doOnNext((chunk) -> cutoff.sent())
                .doFinally((signal) -> ticks.dispose());
        });
    }

    private void requested(long n) {
        this.outstanding.accumulateAndGet(n, (current, more) -> {
            long sum = current + more;
            return (sum < 0) ? Long.MAX_VALUE : sum;
        });
        this.activity.incrementAndGet();
    }

    private void sent() {
        this.outstanding.decrementAndGet();
        this.activity.incrementAndGet();
    }

    // Ticks come one at a time (one interval), so the tick's own fields need no locking.
    private void tick() {
        long now = System.nanoTime();
        long activity = this.activity.get();
        if (this.outstanding.get() > 0 || activity != this.seenActivity) {
            this.seenActivity = activity;
            this.quietSince = now;
            return;
        }
        if (!this.fired && now - this.quietSince >= this.timeout.toNanos()) {
            this.fired = true;
            this.onIdle.run();
        }
    }

}
