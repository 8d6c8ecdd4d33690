package dev.sluice.stream;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A stream past the replica's or the caller's limit: 429 with Retry-After. */
class TooManyStreamsException extends ErrorResponseException {

    private final String limit;

    TooManyStreamsException(String limit, String detail, Duration retryAfter) {
        super(HttpStatus.TOO_MANY_REQUESTS, problem(detail), null);
        this.limit = limit;
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
    }

    /** Which limit was reached: {@code replica} or {@code caller}. */
    String limit() {
        return this.limit;
    }

    private static ProblemDetail problem(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, detail);
        problem.setTitle("Too many streams");
        return problem;
    }

}
