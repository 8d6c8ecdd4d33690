package dev.sluice.ingest;

import java.util.List;

import dev.sluice.catalog.Column;

/**
 * Turns one record of the body into one row of the staging table, or rejects it with an
 * error in the log. The record's bytes are valid UTF-8 without NUL.
 */
interface RowParser {

    /**
     * Parses a record.
     * @return what the record was
     * @throws FatalImportException if the whole import cannot go on (a bad CSV header)
     */
    Outcome parse(byte[] bytes, int offset, int length, long line);

    /**
     * Whether the next record is a header, which is not a row and whose faults are fatal.
     */
    default boolean expectsHeader() {
        return false;
    }

    /** The columns the body gives values for, in staging order (known after a header). */
    List<Column> written();

    /** What a record turned out to be. */
    enum Outcome {

        /** A blank line, or a header: not counted. */
        NOTHING,

        /** A row, now in the staging chunk. */
        ROW,

        /** A bad line, now in the error log. */
        REJECTED

    }

}
