package dev.sluice.job;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** What every kind of job's stored row has. */
public interface StoredJob {

    UUID id();

    JobState state();

    /** The request as submitted, canonical JSON. */
    String request();

    /** Who submitted it, or null (security off). */
    @Nullable String owner();

}
