package dev.sluice.job;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;

/**
 * The {@code Idempotency-Key} of a job submission: a retried submission under the same
 * key gets the job it made, never a second one. A key belongs to the caller who used it
 * and to the request it came with.
 */
public final class Idempotency {

    private final String noun;

    private final JsonMapper json;

    /**
     * @param noun what a job of this kind is called in messages ("export", "import")
     */
    public Idempotency(String noun, JsonMapper json) {
        this.noun = noun;
        this.json = json;
    }

    /** Refuses a key that is empty or longer than 255 characters. */
    public void checkKey(@Nullable String key, Function<String, RuntimeException> invalid) {
        if (key != null && (key.isEmpty() || key.length() > 255)) {
            throw invalid.apply("An Idempotency-Key is 1 to 255 characters long.");
        }
    }

    /**
     * The job the key made, to answer a retried submission with, or a 422 problem if the
     * key is another caller's or came with a different request.
     * @param canonical the retried request, canonical JSON
     * @param mayAccess whether the caller may see the job
     */
    public <J extends StoredJob> J replay(String key, J job, String canonical, boolean mayAccess) {
        if (!mayAccess) {
            // Another caller's job: neither replayed nor named.
            throw reused("Idempotency-Key '" + key + "' is taken. Use a new key for a new " + this.noun + ".");
        }
        if (!this.json.readTree(job.request()).equals(this.json.readTree(canonical))) {
            throw reused("Idempotency-Key '" + key + "' was used for " + this.noun + " " + job.id()
                    + " with a different request. Use a new key for a new " + this.noun + ".");
        }
        return job;
    }

    /** Marks an answer that replays an earlier submission. */
    public static ResponseEntity.BodyBuilder replayed(ResponseEntity.BodyBuilder response, boolean replayed) {
        return replayed ? response.header("Idempotent-Replayed", "true") : response;
    }

    private static ErrorResponseException reused(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, detail);
        problem.setTitle("Idempotency-Key reused");
        return new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
    }

}
