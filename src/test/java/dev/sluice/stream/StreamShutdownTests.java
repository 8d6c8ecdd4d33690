package dev.sluice.stream;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StreamShutdownTests {

    @Test
    void stopCutsStreamsInFlightAndRefusesNewOnes() {
        StreamShutdown shutdown = new StreamShutdown();
        shutdown.start();
        AtomicInteger cuts = new AtomicInteger();
        Runnable finished = cuts::incrementAndGet;
        Runnable running = cuts::incrementAndGet;
        shutdown.started(finished);
        shutdown.started(running);
        shutdown.ended(finished);
        shutdown.stop();
        assertThat(cuts).hasValue(1);
        assertThat(shutdown.isRunning()).isFalse();
        assertThatExceptionOfType(ErrorResponseException.class).isThrownBy(() -> shutdown.started(() -> {
        })).satisfies((ex) -> {
            assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        });
    }

    @Test
    void startAfterAStopServesStreamsAgain() {
        // Spring's test framework stops the contexts it keeps and starts them again on
        // reuse; a stop that is not a close must not refuse streams for ever.
        StreamShutdown shutdown = new StreamShutdown();
        shutdown.start();
        shutdown.stop();
        shutdown.start();
        AtomicInteger cuts = new AtomicInteger();
        shutdown.started(cuts::incrementAndGet);
        assertThat(shutdown.isRunning()).isTrue();
        assertThat(cuts).hasValue(0);
    }

}
