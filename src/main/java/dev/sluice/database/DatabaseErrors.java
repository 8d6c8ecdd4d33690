package dev.sluice.database;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The one place that turns database failures into HTTP problems, by SQLSTATE class in the
 * spirit of r2dbc-postgresql's ExceptionFactory: what a retry may fix is 503, integrity
 * violations 409, the rest 500.
 */
public final class DatabaseErrors {

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
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
                "The database rejected this request (SQLSTATE " + sqlState + "): " + error.getMessage());
        problem.setTitle(title);
        problem.setProperty("sqlState", sqlState);
        return new ErrorResponseException(status, problem, error);
    }

}
