package dev.sluice.export;

import java.time.Duration;

import dev.sluice.job.JobLoop;
import dev.sluice.job.Stop;
import io.micrometer.core.instrument.Tags;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Claims queued jobs while this replica has capacity ({@code concurrent-jobs}) and runs
 * each on a job thread of its own, off the event loops. On stop, running jobs save their
 * checkpoints and go back to the queue, for this or another replica to continue.
 */
public class ExportWorker implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(ExportWorker.class);

    private final ExportRunner runner;

    private final String replicaId;

    private final JobLoop<ExportRun> loop;

    ExportWorker(ExportRunner runner, Expiry expiry) {
        this.runner = runner;
        this.replicaId = JobLoop.replicaId(runner.properties.replicaId());
        this.loop = new JobLoop<>("export", runner.properties.concurrentJobs(), runner.properties.pollInterval(),
                this::claim, expiry::sweep);
        runner.metrics.gauge("sluice.jobs.running", Tags.of("type", "export"), this.loop, JobLoop::running);
    }

    String replicaId() {
        return this.replicaId;
    }

    @Override
    public void start() {
        this.loop.start();
    }

    @Override
    public void stop() {
        if (!this.loop.stop((run) -> run.stop(Stop.SHUTDOWN), Duration.ofSeconds(30))) {
            logger.warn("Export jobs did not hand back in time; their leases will run out");
        }
    }

    /**
     * Looks for work now rather than at the next poll: a job submitted to this replica
     * starts at once when it has capacity.
     */
    void nudge() {
        this.loop.nudge();
    }

    /** Stops without saving anything, as a crash would: for tests of recovery. */
    void crash() {
        this.loop.crash((run) -> run.stop(Stop.LEASE_LOST));
    }

    @Override
    public boolean isRunning() {
        return this.loop.isRunning();
    }

    private @Nullable ExportRun claim() {
        ExportJob job = this.runner.jobs
            .claim(this.replicaId, this.runner.storage.type(), this.runner.properties.lease())
            .block(Duration.ofSeconds(30));
        return (job != null) ? this.runner.run(job) : null;
    }

}
