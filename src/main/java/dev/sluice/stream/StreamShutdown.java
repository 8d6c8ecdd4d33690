package dev.sluice.stream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * Streams and shutdown. Once shutdown begins no stream starts (a 503: another replica
 * answers the retry); streams in flight have the web server's graceful phase
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}) to finish, and those still
 * running after it are cut short here, fail-closed and counted as such, before the server
 * stops.
 */
@Component
class StreamShutdown implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

    // Stopped after the web server's graceful phase (DEFAULT_PHASE - 1024), before the
    // server itself stops (DEFAULT_PHASE - 2048).
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    private final Set<Runnable> inFlight = ConcurrentHashMap.newKeySet();

    private volatile boolean stopping;

    private volatile boolean running;

    /** A stream starts: {@code cut} ends it if it outlasts the grace period. */
    void started(Runnable cut) {
        if (this.stopping) {
            throw shuttingDown();
        }
        this.inFlight.add(cut);
    }

    void ended(Runnable cut) {
        this.inFlight.remove(cut);
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        this.stopping = true;
    }

    @Override
    public void start() {
        // Again after a stop that was not a close (a test context is paused and resumed).
        this.stopping = false;
        this.running = true;
    }

    @Override
    public void stop() {
        this.stopping = true;
        this.inFlight.forEach(Runnable::run);
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private static ErrorResponseException shuttingDown() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "This server is shutting down and starts no new streams. Try again: another replica will answer.");
        problem.setTitle("Shutting down");
        ErrorResponseException error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
        error.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return error;
    }

}
