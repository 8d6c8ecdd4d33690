package dev.sluice.job;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeartbeatTests {

    @Test
    void stoppingLetsTheBeatInFlightFinishInsteadOfCancellingIt() throws Exception {
        Sinks.Empty<Void> release = Sinks.empty();
        AtomicInteger beats = new AtomicInteger();
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        Heartbeat heartbeat = Heartbeat.start(Duration.ofMillis(10), () -> {
            beats.incrementAndGet();
            return release.asMono().doOnCancel(() -> cancelled.set(true)).doOnSuccess((done) -> finished.set(true));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> beats.get() == 1);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(heartbeat::stop);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !stopping.isDone());
        assertThat(beats.get()).as("no second beat while one runs").isEqualTo(1);
        release.tryEmitEmpty();
        stopping.get();
        assertThat(finished).isTrue();
        assertThat(cancelled).isFalse();
    }

    @Test
    void noBeatAfterStop() throws Exception {
        AtomicInteger beats = new AtomicInteger();
        Heartbeat heartbeat = Heartbeat.start(Duration.ofMillis(10), () -> Mono.fromRunnable(beats::incrementAndGet));
        await().atMost(Duration.ofSeconds(10)).until(() -> beats.get() >= 2);
        heartbeat.stop();
        int after = beats.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> beats.get() == after);
    }

}
