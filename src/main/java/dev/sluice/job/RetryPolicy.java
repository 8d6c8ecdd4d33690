package dev.sluice.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import dev.sluice.database.DatabaseErrors;
import dev.sluice.database.DatabaseUnavailableException;

/**
 * Whether a failed run of a job is tried again, and when: the same rule for every job
 * kind. A failure is passing when the database or the storage could not be reached (it or
 * any cause in its chain: Sluice's 503, a driver error that translates to one, an I/O
 * error), or when the kind says so through {@link Passing}; a passing failure is retried
 * after a delay that grows with the attempt, until {@code maxAttempts} runs were made.
 *
 * @param maxAttempts the runs a job gets, the first included
 * @param step the delay before the second run; the n-th waits n - 1 times as long
 */
public record RetryPolicy(int maxAttempts, Duration step) {

    /** The delay the job kinds have always used. */
    public static final Duration STEP = Duration.ofSeconds(5);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
    }

    public static RetryPolicy of(int maxAttempts) {
        return new RetryPolicy(maxAttempts, STEP);
    }

    /**
     * Whether the run that made {@code attempt} and failed with {@code error} is retried.
     */
    public boolean retries(int attempt, Throwable error) {
        return attempt < this.maxAttempts && passing(error);
    }

    /** How long a job waits after the failure of run {@code attempt}. */
    public Duration delay(int attempt) {
        return this.step.multipliedBy(attempt);
    }

    /** Whether another run may succeed where this one failed. */
    public static boolean passing(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof Passing classified) {
                return classified.passing();
            }
            if (cause instanceof DatabaseUnavailableException || cause instanceof IOException
                    || cause instanceof UncheckedIOException
                    || DatabaseErrors.translate(cause) instanceof DatabaseUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A failure that knows whether it is passing (a stored file that is missing is not).
     */
    public interface Passing {

        boolean passing();

    }

}
