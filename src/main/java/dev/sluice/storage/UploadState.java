package dev.sluice.storage;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a resumed upload needs, as of the end of a durable segment.
 *
 * @param bytes the file's size so far
 * @param uploadId the S3 multipart upload, or null (local, or none started yet)
 * @param parts the S3 parts uploaded so far, in order
 */
public record UploadState(long bytes, @Nullable String uploadId, List<Part> parts) {

    public UploadState {
        parts = List.copyOf(parts);
    }

    public static UploadState local(long bytes) {
        return new UploadState(bytes, null, List.of());
    }

    /** An uploaded part of an S3 multipart upload. */
    public record Part(int number, String etag, long size) {
    }

}
