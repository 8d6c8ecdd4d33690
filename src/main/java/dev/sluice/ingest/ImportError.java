package dev.sluice.ingest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * One rejected line, as the answer lists it.
 *
 * @param line the 1-based line number in the body (for CSV, the line where the record
 * starts; the header is line 1); null for an error of the whole import
 * @param column the column, where the error is about one
 * @param reason what is wrong, in plain words
 * @param kind what kind of error it is (decides the status of an aborted import)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportError(@Nullable Long line, @Nullable String column, String reason, @JsonIgnore ErrorKind kind) {

    static ImportError of(long line, @Nullable String column, String reason, ErrorKind kind) {
        return new ImportError(line, column, reason, kind);
    }

}
