package dev.sluice.catalog;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A client asked for a dataset that is not configured: 404. */
public class DatasetNotFoundException extends ErrorResponseException {

    public DatasetNotFoundException(String name) {
        super(HttpStatus.NOT_FOUND, problem(name), null);
    }

    private static ProblemDetail problem(String name) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "There is no dataset named '" + name + "'. GET /v1/datasets lists the datasets.");
        problem.setTitle("Unknown dataset");
        problem.setProperty("dataset", name);
        return problem;
    }

}
