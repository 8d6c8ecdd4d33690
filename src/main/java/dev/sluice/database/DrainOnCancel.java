package dev.sluice.database;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Turns a subscriber's cancel into draining: the source is asked for everything and what
 * it still sends is discarded, so it ends by itself.
 * <p>
 * For r2dbc-postgresql's result windows (a statement without parameters): in reactor-core
 * 3.8 a window cancelled on one thread while the driver's thread offers it a row keeps
 * that row, and the demand it stood for, forever. The row's buffer leaks, and the
 * statement can stall before the driver sees that it was cancelled.
 */
final class DrainOnCancel<T> implements CoreSubscriber<T>, Subscription {

    private final CoreSubscriber<? super T> actual;

    private @Nullable Subscription upstream;

    private volatile boolean cancelled;

    private DrainOnCancel(CoreSubscriber<? super T> actual) {
        this.actual = actual;
    }

    /**
     * The source, drained instead of cancelled; what it sends after a cancel is
     * discarded.
     */
    static <T> Flux<T> of(Flux<T> source) {
        Publisher<T> draining = (subscriber) -> source
            .subscribe(new DrainOnCancel<T>(Operators.toCoreSubscriber(subscriber)));
        return Flux.from(draining);
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        if (Operators.validate(this.upstream, subscription)) {
            this.upstream = subscription;
            this.actual.onSubscribe(this);
        }
    }

    @Override
    public void onNext(T item) {
        if (this.cancelled) {
            Operators.onDiscard(item, this.actual.currentContext());
            return;
        }
        this.actual.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
        if (!this.cancelled) {
            this.actual.onError(error);
        }
    }

    @Override
    public void onComplete() {
        if (!this.cancelled) {
            this.actual.onComplete();
        }
    }

    @Override
    public void request(long n) {
        if (!this.cancelled && this.upstream != null) {
            this.upstream.request(n);
        }
    }

    @Override
    public void cancel() {
        if (!this.cancelled) {
            this.cancelled = true;
            if (this.upstream != null) {
                this.upstream.request(Long.MAX_VALUE);
            }
        }
    }

    @Override
    public Context currentContext() {
        return this.actual.currentContext();
    }

}
