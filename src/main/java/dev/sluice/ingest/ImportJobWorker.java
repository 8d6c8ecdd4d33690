package dev.sluice.ingest;

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
 * Claims queued import jobs while this replica runs fewer than {@code concurrent-jobs},
 * each on a thread of its own, off the event loops. On stop, running jobs are rolled back
 * and go back to the queue.
 */
class ImportJobWorker implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(ImportJobWorker.class);

    private final ImportJobRunner runner;

    private final String replicaId;

    private final Set<ImportJobRun> running = ConcurrentHashMap.newKeySet();

    private volatile boolean started;

    private ScheduledExecutorService poller;

    private ExecutorService jobThreads;

    ImportJobWorker(ImportJobRunner runner) {
        this.runner = runner;
        String configured = runner.properties.replicaId();
        this.replicaId = (configured != null) ? configured
                : hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void start() {
        AtomicInteger threads = new AtomicInteger();
        this.poller = Executors.newSingleThreadScheduledExecutor((task) -> thread(task, "import-job-poller"));
        this.jobThreads = Executors
            .newCachedThreadPool((task) -> thread(task, "import-job-" + threads.incrementAndGet()));
        long interval = this.runner.properties.pollInterval().toMillis();
        this.poller.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.MILLISECONDS);
        this.started = true;
    }

    @Override
    public void stop() {
        this.started = false;
        this.poller.shutdownNow();
        this.running.forEach((run) -> run.stop(ImportJobRun.Stop.SHUTDOWN));
        this.jobThreads.shutdown();
        try {
            if (!this.jobThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                logger.warn("Import jobs did not hand back in time; their leases will run out");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return this.started;
    }

    /** Looks for work now: a job submitted to a replica with capacity starts at once. */
    void nudge() {
        if (this.started) {
            this.poller.execute(this::poll);
        }
    }

    private void poll() {
        try {
            while (this.started && this.running.size() < this.runner.properties.concurrentJobs()) {
                ImportJob job = this.runner.jobs
                    .claim(this.replicaId, this.runner.storage.type(), this.runner.properties.lease())
                    .block(Duration.ofSeconds(30));
                if (job == null) {
                    break;
                }
                ImportJobRun run = this.runner.run(job);
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
        }
        catch (RuntimeException ex) {
            logger.warn("Could not look for import jobs", ex);
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
