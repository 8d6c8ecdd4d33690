package dev.sluice.encode;

import io.r2dbc.spi.Readable;

/** Writes one format's bytes for a stream of rows into a {@link ChunkBuffer}. */
interface RowWriter {

    /** Whatever comes before the first row (a CSV header, a JSON array's bracket). */
    void start();

    /**
     * Called after {@link #start} when the rows follow rows written earlier by another
     * writer (whatever start wrote has been discarded).
     */
    default void continueAfterRows() {
    }

    /** One row; its values are read as the driver's text-format bytes. */
    void row(Readable row);

    /** Whatever comes after the last row. */
    void end();

    /** Moves anything the writer buffers itself into the chunk. */
    void flush();

    /**
     * Bytes written so far for the current chunk, including any the writer buffers
     * itself.
     */
    int buffered();

}
