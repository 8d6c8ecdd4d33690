package dev.sluice.job;

import java.util.Locale;

/** How one run of a job ended, as the {@code outcome} tag of the run timers. */
public enum RunOutcome {

    SUCCEEDED, FAILED, RETRIED, REQUEUED, CANCELLED, LEASE_LOST;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The metric tag's value. */
    public String tag() {
        return this.tag;
    }

    /** The outcome of a run that a stop ended. */
    public static RunOutcome of(Stop stop) {
        return switch (stop) {
            case CANCEL -> CANCELLED;
            case SHUTDOWN -> REQUEUED;
            case LEASE_LOST -> LEASE_LOST;
        };
    }

}
