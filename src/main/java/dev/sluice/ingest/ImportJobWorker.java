package dev.sluice.ingest;

import java.time.Duration;

import dev.sluice.job.JobLoop;
import dev.sluice.job.Stop;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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

    private final JobLoop<ImportJobRun> loop;

    ImportJobWorker(ImportJobRunner runner) {
        this.runner = runner;
        this.replicaId = JobLoop.replicaId(runner.properties.replicaId());
        this.loop = new JobLoop<>("import-job", runner.properties.concurrentJobs(), runner.properties.pollInterval(),
                this::claim, () -> {
                });
        runner.metrics.gauge("sluice.jobs.running", Tags.of("type", "import"), this.loop, JobLoop::running);
    }

    @Override
    public void start() {
        this.loop.start();
    }

    @Override
    public void stop() {
        if (!this.loop.stop((run) -> run.stop(Stop.SHUTDOWN), Duration.ofSeconds(30))) {
            logger.warn("Import jobs did not hand back in time; their leases will run out");
        }
    }

    @Override
    public boolean isRunning() {
        return this.loop.isRunning();
    }

    /** Looks for work now: a job submitted to a replica with capacity starts at once. */
    void nudge() {
        this.loop.nudge();
    }

    private @Nullable ImportJobRun claim() {
        ImportJob job = this.runner.jobs
            .claim(this.replicaId, this.runner.storage.type(), this.runner.properties.lease())
            .block(Duration.ofSeconds(30));
        return (job != null) ? this.runner.run(job) : null;
    }

}
