package dev.sluice.job;

/** Why a job's run stops before its end. */
public enum Stop {

    /** A client cancelled: the run discards what it did. */
    CANCEL,
    /** Another replica holds the job now: the run touches nothing. */
    LEASE_LOST,
    /** This replica is stopping: the run hands the job back, with its progress. */
    SHUTDOWN

}
