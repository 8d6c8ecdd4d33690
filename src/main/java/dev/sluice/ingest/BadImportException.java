package dev.sluice.ingest;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An import that cannot start or cannot go on as a whole (not about one line): a bad
 * parameter, an unsupported media type, a dataset that is not a table, a body that is not
 * gzip or too large, no free import slot.
 */
class BadImportException extends ErrorResponseException {

    BadImportException(HttpStatus status, String title, String detail) {
        super(status, problem(status, title, detail), null);
    }

    /** Every import slot is taken: 503 with Retry-After. */
    static BadImportException busy(int slots, Duration retryAfter) {
        BadImportException busy = new BadImportException(HttpStatus.SERVICE_UNAVAILABLE, "Too many imports",
                "This server runs " + slots + " import(s) at once and all are busy. Try again in "
                        + retryAfter.toSeconds() + " s.");
        busy.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        return busy;
    }

    static BadImportException parameter(String parameter, String detail) {
        BadImportException bad = new BadImportException(HttpStatus.BAD_REQUEST, "Invalid import request", detail);
        bad.getBody().setProperty("parameter", parameter);
        return bad;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

}
