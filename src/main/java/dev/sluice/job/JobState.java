package dev.sluice.job;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a job is in its life, as its table's {@code state} column stores it (the same
 * lowercase text the API shows). Import jobs never expire: they keep no files.
 */
public enum JobState {

    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, EXPIRED;

    private final String value = name().toLowerCase(Locale.ROOT);

    /** As stored and shown. */
    @JsonValue
    public String value() {
        return this.value;
    }

    /** Still to run or running: not yet finished. */
    public boolean open() {
        return this == QUEUED || this == RUNNING;
    }

    /** The state a stored text names, if any. */
    public static Optional<JobState> parse(String value) {
        return Arrays.stream(values()).filter((state) -> state.value.equals(value)).findFirst();
    }

    /** The state the job table holds, which its CHECK constraint keeps to these. */
    public static JobState of(String stored) {
        return parse(stored).orElseThrow(() -> new IllegalStateException("Unknown job state '" + stored + "'"));
    }

    /** The states of a job kind that keeps no files (import jobs): all but expired. */
    public static List<JobState> withoutExpiry() {
        return List.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED);
    }

    @Override
    public String toString() {
        return this.value;
    }

}
