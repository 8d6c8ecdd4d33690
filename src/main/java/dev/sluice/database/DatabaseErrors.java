package dev.sluice.database;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The one place that turns database failures into HTTP problems, by SQLSTATE class in the
 * spirit of r2dbc-postgresql's ExceptionFactory: what a retry may fix is 503, integrity
 * violations 409, the rest 500.
 */
public final class DatabaseErrors {

    // Errors that only a statement Sluice wrote can cause (syntax, a function, operator
    // or type the server lacks), never a client's input or the database's state: bugs,
    // such as SQL that needs a newer PostgreSQL. Missing tables, columns and privileges
    // are the database's state and stay "Database error".
    private static final Set<String> STATEMENT_FAULTS = Set.of("42601", "42883", "42804", "42P18", "42702", "42725",
            "42803", "42846", "42P02", "42611", "42P10");

    // Its own logger, so that the test suite can fail on it.
    private static final Log faults = LogFactory.getLog("dev.sluice.database.StatementFaults");

    private DatabaseErrors() {
    }

    public static Throwable translate(Throwable error) {
        if (error instanceof ErrorResponseException) {
            return error;
        }
        if (error instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
            return bySqlState(r2dbc, r2dbc.getSqlState());
        }
        // Refused or closed connections, and reactor-pool's acquire timeout (a
        // TimeoutException).
        if (error instanceof R2dbcTransientException || error instanceof R2dbcNonTransientResourceException
                || error instanceof TimeoutException || error instanceof IOException) {
            return new DatabaseUnavailableException(
                    "The database cannot be reached or has no free connection: " + error.getMessage(), error);
        }
        return error;
    }

    private static Throwable bySqlState(R2dbcException error, String sqlState) {
        if ("57014".equals(sqlState) && String.valueOf(error.getMessage()).contains("statement timeout")) {
            return new DatabaseUnavailableException(
                    "The query ran longer than the server's statement timeout"
                            + " (sluice.database.statement-timeout) and was cancelled: " + error.getMessage()
                            + ". A narrower selection, a filter on an indexed column or a smaller page may fit in it.",
                    error);
        }
        if (STATEMENT_FAULTS.contains(sqlState)) {
            faults.error(
                    "PostgreSQL refused a statement of Sluice's own (SQLSTATE " + sqlState + "): " + error.getMessage(),
                    error);
            return failure(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                    "Sluice sent the database a statement" + " it cannot run (SQLSTATE " + sqlState + "): "
                            + error.getMessage()
                            + ". This is a bug in Sluice, not in the request; the server's log has the details.",
                    error, sqlState);
        }
        String sqlClass = (sqlState.length() >= 2) ? sqlState.substring(0, 2) : sqlState;
        return switch (sqlClass) {
            case "08", "53", "57", "40", "58" ->
                new DatabaseUnavailableException("The database failed this request (SQLSTATE " + sqlState + "): "
                        + error.getMessage() + ". Try again shortly.", error);
            case "23" -> failure(HttpStatus.CONFLICT, "Conflict", error, sqlState);
            default -> failure(HttpStatus.INTERNAL_SERVER_ERROR, "Database error", error, sqlState);
        };
    }

    private static ErrorResponseException failure(HttpStatus status, String title, R2dbcException error,
            String sqlState) {
        return failure(status, title,
                "The database rejected this request (SQLSTATE " + sqlState + "): " + error.getMessage(), error,
                sqlState);
    }

    private static ErrorResponseException failure(HttpStatus status, String title, String detail, R2dbcException error,
            String sqlState) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("sqlState", sqlState);
        return new ErrorResponseException(status, problem, error);
    }

}
