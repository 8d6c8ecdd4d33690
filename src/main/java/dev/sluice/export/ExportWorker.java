package dev.sluice.export;

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

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Claims queued jobs while this replica has capacity ({@code concurrent-jobs}) and runs
 * each on a job thread of its own, off the event loops. On stop, running jobs save their
 * checkpoints and go back to the queue, for this or another replica to continue.
 */
public class ExportWorker implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(ExportWorker.class);

    private final ExportRunner runner;

    private final Expiry expiry;

    private final String replicaId;

    private final Set<ExportRun> running = ConcurrentHashMap.newKeySet();

    private volatile boolean started;

    private ScheduledExecutorService poller;

    private ExecutorService jobThreads;

    ExportWorker(ExportRunner runner, Expiry expiry) {
        this.runner = runner;
        this.expiry = expiry;
        String configured = runner.properties.replicaId();
        this.replicaId = (configured != null) ? configured
                : hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String replicaId() {
        return this.replicaId;
    }

    @Override
    public void start() {
        AtomicInteger threads = new AtomicInteger();
        this.poller = Executors.newSingleThreadScheduledExecutor((task) -> thread(task, "export-poller"));
        this.jobThreads = Executors.newCachedThreadPool((task) -> thread(task, "export-" + threads.incrementAndGet()));
        long interval = this.runner.properties.pollInterval().toMillis();
        this.poller.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
        this.started = true;
    }

    @Override
    public void stop() {
        this.started = false;
        this.poller.shutdownNow();
        this.running.forEach((run) -> run.stop(ExportRun.Stop.SHUTDOWN));
        this.jobThreads.shutdown();
        try {
            if (!this.jobThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                logger.warn("Export jobs did not hand back in time; their leases will run out");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Looks for work now rather than at the next poll: a job submitted to this replica
     * starts at once when it has capacity.
     */
    void nudge() {
        if (this.started) {
            this.poller.execute(this::poll);
        }
    }

    /** Stops without saving anything, as a crash would: for tests of recovery. */
    void crash() {
        this.started = false;
        this.poller.shutdownNow();
        this.running.forEach((run) -> run.stop(ExportRun.Stop.LEASE_LOST));
        this.jobThreads.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return this.started;
    }

    void poll() {
        try {
            while (this.started && this.running.size() < this.runner.properties.concurrentJobs()) {
                ExportJob job = this.runner.jobs
                    .claim(this.replicaId, this.runner.storage.type(), this.runner.properties.lease())
                    .block(Duration.ofSeconds(30));
                if (job == null) {
                    break;
                }
                ExportRun run = this.runner.run(job);
                this.running.add(run);
                this.jobThreads.execute(() -> {
                    try {
                        run.run();
                    }
                    finally {
                        this.running.remove(run);
                    }
                });
            }
            this.expiry.sweep();
        }
        catch (RuntimeException ex) {
            logger.warn("Could not look for export jobs", ex);
        }
    }

    private static Thread thread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "replica";
        }
    }

}
