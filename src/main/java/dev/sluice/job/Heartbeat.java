package dev.sluice.job;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A running job's beat (renew the lease, save progress), one at a time, every interval.
 * Stopping lets a beat in flight finish instead of cancelling it: r2dbc-postgresql (up to
 * 1.1.3 at least) encodes a statement's parameters into buffers before it sends them, and
 * drops them unreleased when the statement is cancelled in between.
 */
public final class Heartbeat {

    private static final Log logger = LogFactory.getLog(Heartbeat.class);

    private static final Duration WAIT_AT_STOP = Duration.ofSeconds(10);

    private final Object lock = new Object();

    private final Disposable ticks;

    private boolean stopped;

    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    private Heartbeat(Duration every, Supplier<Mono<Void>> beat) {
        this.ticks = Flux.interval(every).subscribe((tick) -> tick(beat));
    }

    /**
     * Beats every {@code every}, first after one interval; a tick during a beat is
     * skipped.
     */
    public static Heartbeat start(Duration every, Supplier<Mono<Void>> beat) {
        return new Heartbeat(every, beat);
    }

    private void tick(Supplier<Mono<Void>> beat) {
        synchronized (this.lock) {
            if (this.stopped || !this.inFlight.isDone()) {
                return;
            }
            // Subscribed here and never cancelled; a failed beat reports itself.
            this.inFlight = beat.get().onErrorResume((error) -> Mono.empty()).toFuture();
        }
    }

    /** No further beat; waits (a while) for the one in flight. */
    public void stop() {
        CompletableFuture<Void> last;
        synchronized (this.lock) {
            this.stopped = true;
            last = this.inFlight;
        }
        this.ticks.dispose();
        try {
            last.get(WAIT_AT_STOP.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException ex) {
            // It ends on its own; nothing of it is needed any more.
            logger.debug("A heartbeat was still running when its job ended", ex);
        }
    }

}
