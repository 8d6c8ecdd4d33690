package dev.sluice.ingest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An import that was rolled back because of what the body holds: a problem with the
 * status of its most serious error, carrying the same counts and error list as a
 * successful import's answer.
 */
class ImportAbortedException extends ErrorResponseException {

    ImportAbortedException(HttpStatus status, String detail, ImportReport report) {
        super(status, problem(status, detail, report), null);
    }

    private static ProblemDetail problem(HttpStatus status, String detail, ImportReport report) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Import aborted");
        problem.setProperty("dataset", report.dataset());
        problem.setProperty("format", report.format());
        problem.setProperty("mode", report.mode());
        problem.setProperty("onError", report.onError());
        problem.setProperty("dryRun", report.dryRun());
        problem.setProperty("received", report.received());
        problem.setProperty("written", 0);
        problem.setProperty("rejected", report.rejected());
        problem.setProperty("errors", report.errors());
        problem.setProperty("errorsOmitted", report.errorsOmitted());
        return problem;
    }

}
