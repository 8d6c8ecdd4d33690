package dev.sluice.ingest;

import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A source of COPY chunks as the inner publishers that r2dbc-postgresql's
 * {@code copyIn().fromMany} takes: one chunk each, read when the driver asks for it, on
 * an import thread since reading blocks. A chunk handed over after the COPY has ended is
 * the driver's to release (it does from 1.1.2: see docs/versions.md).
 */
final class CopyFeed {

    private final BooleanSupplier finished;

    private final Callable<@Nullable ByteBuf> next;

    private final Scheduler scheduler;

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
                sink.next(Mono.fromCallable(this.next).subscribeOn(this.scheduler));
            }
        });
    }

}
