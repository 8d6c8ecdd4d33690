package dev.sluice.export;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An export request that cannot run: 400 at submission, naming the place in the body (a
 * JSON pointer) that is wrong.
 */
class BadExportException extends ErrorResponseException {

    BadExportException(String pointer, String detail) {
        super(HttpStatus.BAD_REQUEST, problem(pointer, detail), null);
    }

    private static ProblemDetail problem(String pointer, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid export request");
        problem.setProperty("pointer", pointer);
        return problem;
    }

}
