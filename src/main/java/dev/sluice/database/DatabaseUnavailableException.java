package dev.sluice.database;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The database cannot serve the request now (down, restarting, out of connections): 503
 * with Retry-After.
 */
public class DatabaseUnavailableException extends ErrorResponseException {

    static final int RETRY_AFTER_SECONDS = 5;

    DatabaseUnavailableException(String detail, Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail), cause);
        getHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }

    private static ProblemDetail problem(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Database unavailable");
        return problem;
    }

}
