package dev.sluice.ingest;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * A source of COPY chunks as the inner publishers that r2dbc-postgresql's
 * {@code copyIn().fromMany} takes: one chunk each, read when the driver asks for it, on
 * an import thread since reading blocks.
 * <p>
 * The driver (1.1.1) wraps every inner publisher's bytes in a new buffer and, once the
 * COPY has ended (refused, failed or cancelled), drops those buffers without releasing
 * them. So after {@link #end()} a chunk is never handed over: the inner publisher fails
 * instead, which makes the driver release its buffer. The check and the hand-over hold
 * one lock with {@code end}, so no chunk slips through between them.
 */
final class CopyFeed {

    private final BooleanSupplier finished;

    private final Callable<@Nullable ByteBuf> next;

    private final Scheduler scheduler;

    private final Object lock = new Object();

    private boolean ended;

    /**
     * @param finished whether every chunk has been read
     * @param next reads the next chunk (the caller of this owns it), null if there is
     * none
     */
    CopyFeed(BooleanSupplier finished, Callable<@Nullable ByteBuf> next, Scheduler scheduler) {
        this.finished = finished;
        this.next = next;
        this.scheduler = scheduler;
    }

    Flux<Publisher<ByteBuf>> chunks() {
        return Flux.generate((sink) -> {
            if (this.finished.getAsBoolean()) {
                sink.complete();
            }
            else {
                sink.next(Mono.<ByteBuf>create((one) -> {
                    try {
                        handOver(this.next.call(), one);
                    }
                    catch (Exception ex) {
                        one.error(ex);
                    }
                }).subscribeOn(this.scheduler));
            }
        });
    }

    /** The COPY is over: no further chunk reaches the driver. */
    void end() {
        synchronized (this.lock) {
            this.ended = true;
        }
    }

    private void handOver(@Nullable ByteBuf chunk, MonoSink<ByteBuf> one) {
        synchronized (this.lock) {
            if (this.ended) {
                if (chunk != null) {
                    chunk.release();
                }
                one.error(new CancellationException("The COPY has ended"));
            }
            else if (chunk == null) {
                one.success();
            }
            else {
                one.success(chunk);
            }
        }
    }

}
