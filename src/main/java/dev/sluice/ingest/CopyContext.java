package dev.sluice.ingest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.r2dbc.postgresql.api.ErrorDetails;
import io.r2dbc.postgresql.api.PostgresqlException;
import io.r2dbc.spi.R2dbcException;
import org.jspecify.annotations.Nullable;

/**
 * Where in its input a {@code COPY ... FROM STDIN} failed, read from PostgreSQL's error
 * context ({@code COPY t, line 3, column amount: "x"}).
 *
 * @param row the 1-based row of the COPY data, or 0 if the error does not say
 * @param column the column, if the error names one
 * @param constraint the constraint violated, if any
 * @param detail PostgreSQL's detail (which key a unique violation met), if any
 */
record CopyContext(long row, @Nullable String column, @Nullable String constraint, @Nullable String detail) {

    // The context line COPY adds (its relation and column names are not quoted); what
    // follows a column's name is ": " and the value, or nothing.
    private static final Pattern LINE = Pattern.compile("^COPY .*?, line (\\d+)(?:, column ([^:]+))?(?::.*)?$",
            Pattern.MULTILINE);

    static CopyContext of(R2dbcException error) {
        if (!(error instanceof PostgresqlException postgres)) {
            return new CopyContext(0, null, null, null);
        }
        ErrorDetails details = postgres.getErrorDetails();
        String where = details.getWhere().orElse("");
        long row = 0;
        String column = details.getColumnName().orElse(null);
        Matcher matcher = LINE.matcher(where);
        if (matcher.find()) {
            row = Long.parseLong(matcher.group(1));
            if (column == null) {
                column = matcher.group(2);
            }
        }
        return new CopyContext(row, column, details.getConstraintName().orElse(null), details.getDetail().orElse(null));
    }

}
