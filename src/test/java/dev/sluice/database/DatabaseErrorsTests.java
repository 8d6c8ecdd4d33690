package dev.sluice.database;

import dev.sluice.StatementFaultRecorder;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseErrorsTests {

    @Test
    void aStatementOfOursThatTheServerCannotRunIsABugNotADatabaseError() {
        ErrorResponseException problem = (ErrorResponseException) DatabaseErrors.translate(
                new R2dbcBadGrammarException("syntax error at or near \"RETURNING\" (raised by this test)", "42601"));
        assertThat(problem.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(problem.getBody().getTitle()).isEqualTo("Internal error");
        assertThat(problem.getBody().getDetail()).contains("bug in Sluice", "42601", "RETURNING");
        assertThat(StatementFaultRecorder.take()).singleElement(InstanceOfAssertFactories.STRING)
            .contains("SQLSTATE 42601");
    }

    @Test
    void aMissingPrivilegeIsTheDatabasesStateAndNoFault() {
        ErrorResponseException problem = (ErrorResponseException) DatabaseErrors
            .translate(new R2dbcPermissionDeniedException("permission denied for table events", "42501"));
        assertThat(problem.getBody().getTitle()).isEqualTo("Database error");
        assertThat(StatementFaultRecorder.take()).isEmpty();
    }

}
