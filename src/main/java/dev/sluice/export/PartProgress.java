package dev.sluice.export;

import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running part's progress, written by the job's thread and read by its heartbeat,
 * which saves it (with the latest durable checkpoint, when there is a new one).
 */
final class PartProgress implements PartWriter.Progress {

    private final JsonMapper json;

    private volatile int index = -1;

    private final AtomicLong rows = new AtomicLong();

    private final AtomicLong bytes = new AtomicLong();

    private volatile @Nullable String checkpoint;

    private volatile long version;

    private volatile long savedVersion;

    PartProgress(JsonMapper json) {
        this.json = json;
    }

    void start(int index) {
        this.checkpoint = null;
        this.savedVersion = this.version;
        this.index = index;
    }

    /** Between parts: nothing to save but the lease. */
    void idle() {
        this.index = -1;
    }

    @Override
    public void update(long rows, long bytes) {
        this.rows.set(rows);
        this.bytes.set(bytes);
    }

    @Override
    public void checkpoint(Checkpoint checkpoint) {
        this.checkpoint = this.json.writeValueAsString(checkpoint);
        this.version++;
    }

    Snapshot snapshot() {
        long current = this.version;
        return new Snapshot(this.index, this.rows.get(), this.bytes.get(),
                (current != this.savedVersion) ? this.checkpoint : null, current);
    }

    void saved(Snapshot snapshot) {
        if (snapshot.version() > this.savedVersion) {
            this.savedVersion = snapshot.version();
        }
    }

    /**
     * @param index the part, or -1 for none
     * @param checkpoint a checkpoint not saved yet, or null
     */
    record Snapshot(int index, long rows, long bytes, @Nullable String checkpoint, long version) {
    }

}
