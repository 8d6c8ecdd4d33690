package dev.sluice.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import dev.sluice.storage.Storage;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Retention: deletes the files of finished exports whose time is up; a succeeded one
 * becomes expired, a failed or cancelled one keeps its state. Jobs are locked while their
 * files go, so replicas never sweep the same one.
 */
@Component
class Expiry {

    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final ExportJobs jobs;

    private final Storage storage;

    private final TransactionalOperator transactions;

    private volatile long lastSweep;

    Expiry(ExportJobs jobs, Storage storage, ReactiveTransactionManager transactionManager) {
        this.jobs = jobs;
        this.storage = storage;
        this.transactions = TransactionalOperator.create(transactionManager);
    }

    /** Sweeps if the last sweep is long enough ago. */
    void sweep() {
        long now = System.nanoTime();
        if (this.lastSweep == 0 || now - this.lastSweep > INTERVAL.toNanos()) {
            this.lastSweep = now;
            sweepNow().block(Duration.ofMinutes(5));
        }
    }

    /** Expires every export whose time is up; returns how many. */
    Mono<Long> sweepNow() {
        return this.transactions
            .transactional(this.jobs.lockExpired(this.storage.type(), 100)
                .concatMap((job) -> Mono.fromRunnable(() -> delete(job))
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(this.jobs.markExpired(job.id()))
                    .thenReturn(job)))
            .count();
    }

    private void delete(ExportJob job) {
        try {
            this.storage.delete(job.keys());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
