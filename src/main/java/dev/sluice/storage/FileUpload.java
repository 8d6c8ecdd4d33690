package dev.sluice.storage;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One file being written, as a series of segments. A segment is the unit of durability: a
 * resumed upload continues after the last segment whose future completed. Not
 * thread-safe: one writer thread calls everything.
 */
public interface FileUpload {

    /** Appends bytes to the current segment. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Whether the current segment is big enough to be cut. */
    boolean segmentFull();

    /**
     * Ends the current segment. The future completes when everything written so far is
     * durable, with the state to resume from. Blocks while too many segments are in
     * flight.
     */
    CompletableFuture<UploadState> cut() throws IOException;

    /**
     * Makes the file visible at its key with everything written; blocks until done.
     * @return the file's size in bytes
     */
    long complete() throws IOException;

    /**
     * Discards the file and everything written (temporary file, multipart upload). Never
     * throws; a failure to clean up is logged.
     */
    void abort();

    /**
     * Stops writing but keeps what is durable, for a resume later (the job's lease was
     * lost, or the server is stopping).
     */
    void release();

}
