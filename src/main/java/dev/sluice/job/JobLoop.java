package dev.sluice.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A replica's share of a job table's work: claims jobs while fewer than {@code capacity}
 * run, and runs each on a thread of its own, off the event loops. How a job is claimed,
 * run and stopped is the caller's.
 *
 * @param <R> one run of a claimed job
 */
public final class JobLoop<R extends Runnable> {

    private static final Log logger = LogFactory.getLog(JobLoop.class);

    private final String name;

    private final int capacity;

    private final Duration pollInterval;

    private final Supplier<@Nullable R> claim;

    private final Runnable afterPoll;

    private final Set<R> running = ConcurrentHashMap.newKeySet();

    private volatile boolean started;

    private @Nullable ScheduledExecutorService poller;

    private @Nullable ExecutorService threads;

    /**
     * @param name names the threads ({@code <name>-poller}, {@code <name>-1}, ...) and
     * the log
     * @param claim claims a job and returns its run, or null when there is none; may
     * block
     * @param afterPoll what else to do at every poll (housekeeping)
     */
    public JobLoop(String name, int capacity, Duration pollInterval, Supplier<@Nullable R> claim, Runnable afterPoll) {
        this.name = name;
        this.capacity = capacity;
        this.pollInterval = pollInterval;
        this.claim = claim;
        this.afterPoll = afterPoll;
    }

    /** Starts polling (again, after a stop or a crash). */
    public void start() {
        AtomicInteger count = new AtomicInteger();
        ScheduledExecutorService poller = Executors
            .newSingleThreadScheduledExecutor((task) -> thread(task, this.name + "-poller"));
        this.threads = Executors.newCachedThreadPool((task) -> thread(task, this.name + "-" + count.incrementAndGet()));
        this.poller = poller;
        poller.scheduleWithFixedDelay(this::poll, 0, this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        this.started = true;
    }

    /**
     * Stops claiming, asks every running job to stop and waits for them.
     * @return whether they all ended within {@code wait}
     */
    public boolean stop(Consumer<R> stopRun, Duration wait) {
        this.started = false;
        shutdownPoller();
        this.running.forEach(stopRun);
        ExecutorService threads = this.threads;
        if (threads == null) {
            return true;
        }
        threads.shutdown();
        try {
            return threads.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops claiming and abandons the running jobs at once, as a crash would. */
    public void crash(Consumer<R> stopRun) {
        this.started = false;
        shutdownPoller();
        this.running.forEach(stopRun);
        ExecutorService threads = this.threads;
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** Looks for work now rather than at the next poll. */
    public void nudge() {
        ScheduledExecutorService poller = this.poller;
        if (this.started && poller != null) {
            poller.execute(this::poll);
        }
    }

    public boolean isRunning() {
        return this.started;
    }

    /** Jobs running on this replica now. */
    public int running() {
        return this.running.size();
    }

    private void poll() {
        try {
            ExecutorService threads = this.threads;
            while (this.started && threads != null && this.running.size() < this.capacity) {
                R run = this.claim.get();
                if (run == null) {
                    break;
                }
                this.running.add(run);
                threads.execute(() -> {
                    try {
                        run.run();
                    }
                    finally {
                        this.running.remove(run);
                    }
                });
            }
            this.afterPoll.run();
        }
        catch (RuntimeException ex) {
            if (this.started) {
                logger.warn("Could not look for " + this.name + " jobs", ex);
            }
            else {
                // Stopped while claiming: the claim was interrupted, nothing went wrong.
                logger.debug("Stopped while looking for " + this.name + " jobs", ex);
            }
        }
    }

    private void shutdownPoller() {
        ScheduledExecutorService poller = this.poller;
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** The configured replica id, or the host name and a random suffix. */
    public static String replicaId(@Nullable String configured) {
        if (configured != null) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            host = "replica";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Thread thread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

}
