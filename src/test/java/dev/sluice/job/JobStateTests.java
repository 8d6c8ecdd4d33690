package dev.sluice.job;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class JobStateTests {

    @Test
    void theStoredTextIsTheLowercaseNameAndReadsBack() {
        assertThat(Arrays.stream(JobState.values()).map(JobState::value)).containsExactly("queued", "running",
                "succeeded", "failed", "cancelled", "expired");
        for (JobState state : JobState.values()) {
            assertThat(JobState.of(state.value())).isSameAs(state);
            assertThat(state).hasToString(state.value());
        }
    }

    @Test
    void unknownTextIsNoState() {
        assertThat(JobState.parse("done")).isEqualTo(Optional.empty());
        assertThat(JobState.parse("QUEUED")).as("the stored text is lowercase").isEmpty();
        assertThatIllegalStateException().isThrownBy(() -> JobState.of("done")).withMessageContaining("'done'");
    }

    @Test
    void onlyQueuedAndRunningAreOpen() {
        assertThat(Arrays.stream(JobState.values()).filter(JobState::open)).containsExactly(JobState.QUEUED,
                JobState.RUNNING);
    }

    @Test
    void importJobsHaveEveryStateButExpired() {
        assertThat(JobState.withoutExpiry()).doesNotContain(JobState.EXPIRED).hasSize(JobState.values().length - 1);
    }

    @Test
    void jsonShowsTheStoredText() {
        assertThat(JsonMapper.builder().build().writeValueAsString(JobState.CANCELLED)).isEqualTo("\"cancelled\"");
    }

    @Test
    void aStoppedRunEndsWithTheMatchingOutcome() {
        assertThat(RunOutcome.of(Stop.CANCEL)).isEqualTo(RunOutcome.CANCELLED);
        assertThat(RunOutcome.of(Stop.SHUTDOWN)).isEqualTo(RunOutcome.REQUEUED);
        assertThat(RunOutcome.of(Stop.LEASE_LOST).tag()).isEqualTo("lease_lost");
    }

}
