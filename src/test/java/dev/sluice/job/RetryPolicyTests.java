package dev.sluice.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import dev.sluice.database.DatabaseErrors;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryPolicyTests {

    @Test
    void unreachableDatabasesAndStoresArePassingWhereverTheyAreInTheChain() {
        Throwable unavailable = DatabaseErrors.translate(new R2dbcTransientResourceException("connection refused"));
        assertThat(RetryPolicy.passing(unavailable)).isTrue();
        // The driver's own errors, before any translation: refused, closed, shut down.
        assertThat(RetryPolicy.passing(new R2dbcNonTransientResourceException("connection closed"))).isTrue();
        assertThat(RetryPolicy.passing(new R2dbcTransientResourceException("terminating connection", "57P01")))
            .isTrue();
        assertThat(RetryPolicy.passing(new IOException("connection reset"))).isTrue();
        assertThat(RetryPolicy.passing(new UncheckedIOException(new IOException("broken pipe")))).isTrue();
        assertThat(RetryPolicy.passing(new IllegalStateException("wrapped", unavailable))).isTrue();
        assertThat(RetryPolicy.passing(new RuntimeException(new RuntimeException(new IOException("deep"))))).isTrue();
    }

    @Test
    void whatAnotherRunWouldMeetAgainIsNotPassing() {
        assertThat(RetryPolicy.passing(new IllegalStateException("a bug"))).isFalse();
        assertThat(RetryPolicy.passing(new R2dbcDataIntegrityViolationException("duplicate key", "23505"))).isFalse();
        assertThat(RetryPolicy.passing(new R2dbcDataIntegrityViolationException("not an integer", "22P02"))).isFalse();
        assertThat(RetryPolicy.passing(new RuntimeException("no cause"))).isFalse();
    }

    @Test
    void aFailureThatKnowsWhetherItIsPassingDecides() {
        assertThat(RetryPolicy.passing(new Classified(false, new IOException("the file is missing")))).isFalse();
        assertThat(RetryPolicy.passing(new Classified(true, null))).isTrue();
        assertThat(RetryPolicy.passing(new RuntimeException(new Classified(false, new IOException("missing")))))
            .isFalse();
    }

    @Test
    void passingFailuresAreRetriedUntilTheLastAttemptWithAGrowingDelay() {
        RetryPolicy policy = RetryPolicy.of(3);
        IOException passing = new IOException("connection reset");
        assertThat(policy.retries(1, passing)).isTrue();
        assertThat(policy.retries(2, passing)).isTrue();
        assertThat(policy.retries(3, passing)).isFalse();
        assertThat(policy.retries(1, new IllegalStateException("a bug"))).isFalse();
        assertThat(policy.delay(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delay(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(RetryPolicy.of(1).retries(1, passing)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.of(0)).withMessageContaining("maxAttempts");
    }

    private static final class Classified extends RuntimeException implements RetryPolicy.Passing {

        private final boolean passing;

        Classified(boolean passing, Throwable cause) {
            super("classified", cause);
            this.passing = passing;
        }

        @Override
        public boolean passing() {
            return this.passing;
        }

    }

}
