package dev.sluice.ingest;

import org.springframework.http.HttpStatus;

/**
 * What kind of mistake a rejected line holds; an aborted import answers with the status
 * of the most serious kind among its errors (the order here, first is most serious).
 */
enum ErrorKind {

    /** A line longer than the limit. */
    TOO_LONG(HttpStatus.CONTENT_TOO_LARGE),

    /** Not JSON, not CSV, not UTF-8: the line cannot be read at all. */
    MALFORMED(HttpStatus.BAD_REQUEST),

    /**
     * Readable, but not a row of the dataset: an unknown field, a missing key, a value
     * that does not fit its column.
     */
    INVALID(HttpStatus.UNPROCESSABLE_CONTENT),

    /** A key given twice in the body, or (mode=insert) one that exists already. */
    CONFLICT(HttpStatus.CONFLICT);

    private final HttpStatus status;

    ErrorKind(HttpStatus status) {
        this.status = status;
    }

    HttpStatus status() {
        return this.status;
    }

}
