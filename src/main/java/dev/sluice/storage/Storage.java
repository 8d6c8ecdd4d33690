package dev.sluice.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where export files go, and where imports read them back. Keys are relative
 * ({@code <job id>/<file name>}). Every method may block: call them off the event loops.
 */
public interface Storage {

    /** {@code local} or {@code s3}. */
    String type();

    /**
     * Starts writing the file at {@code key}, or resumes an unfinished one from the state
     * its last completed segment reported.
     * @throws StaleUploadException if the resume state no longer matches what is stored
     * (the caller then starts the file over)
     */
    FileUpload upload(String key, @Nullable UploadState resume) throws IOException;

    /** Writes a small file in one go, visible only when complete. */
    void put(String key, byte[] content) throws IOException;

    /**
     * Reads a complete file from its start, as a stream (never all in memory).
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    InputStream read(String key) throws IOException;

    /** Deletes files; a missing one is not an error. */
    void delete(List<String> keys) throws IOException;

    /** Whether {@link #readPartial} works: a file being written can be read back. */
    default boolean readsBack() {
        return false;
    }

    /**
     * The first {@code length} bytes of an unfinished file (after
     * {@link #upload(String, UploadState)} resumed it).
     */
    default InputStream readPartial(String key, long length) throws IOException {
        throw new UnsupportedOperationException(type() + " storage does not read unfinished files back");
    }

    /**
     * Checks that the store can be used now (for the readiness probe): the directory is
     * writable, or the bucket answers a HeadBucket.
     * @throws IOException if it cannot, or does not answer within {@code timeout}
     */
    void check(Duration timeout) throws IOException;

    /** How a client gets the file. */
    Download download(String key);

}
