package dev.sluice.ingest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An import job that cannot be submitted: a problem naming the place in the request body
 * (a JSON pointer) that is wrong, never a failed job later.
 */
class BadImportJobException extends ErrorResponseException {

    BadImportJobException(HttpStatus status, String title, String pointer, String detail) {
        super(status, problem(status, title, pointer, detail), null);
    }

    static BadImportJobException invalid(String pointer, String detail) {
        return new BadImportJobException(HttpStatus.BAD_REQUEST, "Invalid import request", pointer, detail);
    }

    /** A JSON pointer's reference token for a map key. */
    static String token(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static ProblemDetail problem(HttpStatus status, String title, String pointer, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("pointer", pointer);
        return problem;
    }

}
