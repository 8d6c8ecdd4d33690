package dev.sluice.database;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * A snapshot and the open transaction that keeps it valid: release it when every reader
 * that needs it has started. While held, it holds back vacuum on the whole database.
 */
public final class HeldSnapshot {

    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    private final Snapshot snapshot;

    private final Lease lease;

    HeldSnapshot(Snapshot snapshot, Lease lease) {
        this.snapshot = snapshot;
        this.lease = lease;
    }

    public Snapshot snapshot() {
        return this.snapshot;
    }

    /**
     * Ends the exporting transaction and returns its connection; a connection that does
     * not answer, or a release cancelled half way (a job thread interrupted while it
     * waits), is discarded: closing it ends the transaction on the server.
     */
    public Mono<Void> release() {
        return Mono.defer(() -> Mono.from(this.lease.connection().commitTransaction()))
            .timeout(COMMIT_TIMEOUT)
            .then(Mono.defer(this.lease::release))
            .onErrorResume((error) -> {
                this.lease.cancel();
                return Mono.empty();
            })
            .doOnCancel(this.lease::cancel);
    }

}
