package dev.sluice.query;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request's selection cannot be understood or does not fit the dataset: 400, before any
 * row is read.
 */
public class BadQueryException extends ErrorResponseException {

    public BadQueryException(String parameter, String detail) {
        super(HttpStatus.BAD_REQUEST, problem(parameter, detail), null);
    }

    private static ProblemDetail problem(String parameter, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid query");
        problem.setProperty("parameter", parameter);
        return problem;
    }

}
