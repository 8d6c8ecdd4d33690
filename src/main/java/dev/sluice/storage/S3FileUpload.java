package dev.sluice.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Metrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One file written as an S3 multipart upload, a part per segment. The current part is
 * held in heap blocks (the caller's arrays are copied, never kept) and handed to the SDK
 * as heap buffers when cut; a cut blocks while {@code partsInFlight} parts are uploading,
 * so a file holds at most that many parts plus the one being filled.
 * <p>
 * A part that fails fails its future and every later one, and every later call but
 * {@link #abort()} and {@link #release()} throws. Both of those first wait for the parts
 * in flight to end, so that nothing of this upload is written after they return: after an
 * abort no part can reappear, and after a release a resume elsewhere does not race with a
 * part from here.
 */
final class S3FileUpload implements FileUpload {

    private static final Log logger = LogFactory.getLog(S3FileUpload.class);

    /** Below G1's humongous size for every region size. */
    private static final int BLOCK_SIZE = 256 * 1024;

    /** The longest abort and release wait for parts in flight before going on. */
    private static final Duration PARTS_WAIT = Duration.ofMinutes(2);

    private final S3AsyncClient s3;

    private final String bucket;

    private final String key;

    private final long partSize;

    private final int partsInFlight;

    /** A permit per part that may upload at once. */
    private final Semaphore uploading;

    private @Nullable String uploadId;

    /** The part being filled. */
    private int number;

    /** The file's size so far, the current part included. */
    private long bytes;

    private final List<byte[]> blocks = new ArrayList<>();

    /**
     * Blocks of uploaded parts, for the next parts: allocated once, they settle in the
     * old generation instead of being copied by every young collection while a part
     * fills.
     */
    private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();

    /** The current part's size; its bytes fill the blocks in order. */
    private long buffered;

    /** Completes when every part cut so far is uploaded. */
    private CompletableFuture<UploadState> durable;

    private volatile @Nullable IOException failure;

    private Status status = Status.OPEN;

    /**
     * Whether the call that makes the object visible was sent: if it failed, the object
     * may exist all the same (a lost response), and abort deletes it.
     */
    private boolean committing;

    private final PartsCheck partsCheck;

    S3FileUpload(S3AsyncClient s3, String bucket, String key, long partSize, int partsInFlight,
            @Nullable UploadState resume, PartsCheck partsCheck) {
        this.s3 = s3;
        this.partsCheck = partsCheck;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.partsInFlight = partsInFlight;
        this.uploading = new Semaphore(partsInFlight);
        UploadState start = (resume != null) ? resume : new UploadState(0, null, List.of());
        this.uploadId = start.uploadId();
        this.number = start.parts().size() + 1;
        this.bytes = start.bytes();
        this.durable = CompletableFuture.completedFuture(start);
    }

    @Override
    public void write(byte[] source, int offset, int length) throws IOException {
        checkOpen();
        Objects.checkFromIndexSize(offset, length, source.length);
        if (this.number > S3PartSizes.MAX_PARTS || this.buffered + length > S3PartSizes.MAX_PART) {
            throw new IOException(location() + " would exceed what an S3 object holds (" + S3PartSizes.MAX_PARTS
                    + " parts of at most 5 GiB)");
        }
        int written = 0;
        while (written < length) {
            int used = (int) (this.buffered % BLOCK_SIZE);
            if (used == 0) {
                byte[] reused = this.spare.poll();
                this.blocks.add((reused != null) ? reused : new byte[BLOCK_SIZE]);
            }
            byte[] block = this.blocks.get(this.blocks.size() - 1);
            int count = Math.min(length - written, BLOCK_SIZE - used);
            System.arraycopy(source, offset + written, block, used, count);
            written += count;
            this.buffered += count;
        }
        this.bytes += length;
    }

    @Override
    public boolean segmentFull() {
        return this.number < S3PartSizes.MAX_PARTS && this.buffered >= S3PartSizes.size(this.partSize, this.number);
    }

    @Override
    public CompletableFuture<UploadState> cut() throws IOException {
        checkOpen();
        if (this.buffered < S3PartSizes.MIN_PART) {
            throw new IllegalStateException("Part " + this.number + " of " + location() + " holds " + this.buffered
                    + " bytes, less than the 5 MiB S3 requires of all parts but the last: cut when segmentFull()");
        }
        try {
            uploadPart();
        }
        catch (IOException | RuntimeException ex) {
            failed(ex);
            throw ex;
        }
        return this.durable.copy();
    }

    @Override
    public long complete() throws IOException {
        checkOpen();
        try {
            finish();
        }
        catch (IOException | RuntimeException ex) {
            failed(ex);
            throw ex;
        }
        this.status = Status.COMPLETED;
        return this.bytes;
    }

    private void finish() throws IOException {
        if (this.number == 1) {
            putObject();
        }
        else {
            if (this.buffered > 0) {
                uploadPart();
            }
            UploadState state = S3Storage.join(this.durable, "Uploading the parts of " + location());
            checkParts(state);
            List<CompletedPart> parts = new ArrayList<>(state.parts().size());
            for (UploadState.Part part : state.parts()) {
                parts.add(CompletedPart.builder().partNumber(part.number()).eTag(part.etag()).build());
            }
            this.committing = true;
            S3Storage.join(this.s3.completeMultipartUpload((request) -> request.bucket(this.bucket)
                .key(this.key)
                .uploadId(this.uploadId)
                .multipartUpload((upload) -> upload.parts(parts))), "Completing " + location());
        }
    }

    // A part of the same number sent late by an earlier writer of this upload (one that
    // crashed or lost its lease) may have replaced ours. S3 refuses to complete with an
    // ETag that is not the part's; not every store checks, so this does, and the attempt
    // fails (and is retried) rather than completing an object with foreign bytes.
    private void checkParts(UploadState state) throws IOException {
        try {
            this.partsCheck.verify(state);
        }
        catch (StaleUploadException ex) {
            throw new IOException("Not completing " + location() + ": " + ex.getMessage(), ex);
        }
    }

    /** No part was ever cut: one PutObject, and the upload (if resumed) is dropped. */
    private void putObject() throws IOException {
        long size = this.buffered;
        AsyncRequestBody body = AsyncRequestBody.fromRemainingByteBuffersUnsafe(takeBlocks());
        this.committing = true;
        S3Storage.join(
                this.s3.putObject((request) -> request.bucket(this.bucket).key(this.key).contentLength(size), body),
                "Writing " + location());
        if (this.uploadId != null) {
            abortUpload();
        }
    }

    @Override
    public void abort() {
        if (this.status != Status.OPEN) {
            return;
        }
        this.status = Status.ABORTED;
        this.blocks.clear();
        // The SDK refuses to start a call on an interrupted thread
        // (SdkInterruptedException),
        // and a cancelled job is the one that most needs its upload aborted.
        boolean interrupted = Thread.interrupted();
        try {
            if (this.uploadId != null) {
                awaitParts("abort");
                abortUpload();
            }
            if (this.committing) {
                deleteObject();
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void release() {
        if (this.status != Status.OPEN) {
            return;
        }
        this.status = Status.RELEASED;
        this.blocks.clear();
        awaitParts("release");
    }

    /** Starts uploading the current part; blocks while too many parts are in flight. */
    private void uploadPart() throws IOException {
        if (this.uploadId == null) {
            this.uploadId = createUpload();
        }
        try {
            this.uploading.acquire();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "Interrupted while waiting for the parts of " + location());
            interrupted.initCause(ex);
            throw interrupted;
        }
        String uploadId = this.uploadId;
        int number = this.number;
        long size = this.buffered;
        CompletableFuture<UploadPartResponse> call;
        List<byte[]> partBlocks = List.copyOf(this.blocks);
        try {
            checkFailure();
            ByteBuffer[] body = takeBlocks();
            call = this.s3.uploadPart((request) -> request.bucket(this.bucket)
                .key(this.key)
                .uploadId(uploadId)
                .partNumber(number)
                .contentLength(size), AsyncRequestBody.fromRemainingByteBuffersUnsafe(body));
        }
        catch (IOException | RuntimeException ex) {
            this.uploading.release();
            throw ex;
        }
        this.number++;
        CompletableFuture<UploadState.Part> part = call.handle((response, error) -> {
            if (error == null) {
                // The SDK is done with the part's bytes (after a failure it may not be).
                this.spare.addAll(partBlocks);
                Metrics.counter("sluice.s3.parts.uploaded").increment();
                Metrics.counter("sluice.s3.bytes.uploaded").increment(size);
            }
            this.uploading.release();
            if (error != null) {
                IOException failure = S3Storage.failure("Uploading part " + number + " of " + location(), error);
                if (this.failure == null) {
                    this.failure = failure;
                }
                throw new CompletionException(failure);
            }
            return new UploadState.Part(number, response.eTag(), size);
        });
        this.durable = this.durable.thenCombine(part, (state, uploaded) -> {
            List<UploadState.Part> parts = new ArrayList<>(state.parts().size() + 1);
            parts.addAll(state.parts());
            parts.add(uploaded);
            return new UploadState(state.bytes() + uploaded.size(), uploadId, parts);
        });
    }

    private String createUpload() throws IOException {
        return S3Storage
            .join(this.s3.createMultipartUpload((request) -> request.bucket(this.bucket).key(this.key)),
                    "Starting a multipart upload of " + location())
            .uploadId();
    }

    /**
     * Remembers a failure of cut or complete: the current part's bytes may be gone, so
     * nothing but abort and release may follow.
     */
    private void failed(Exception ex) {
        if (this.failure == null) {
            this.failure = (ex instanceof IOException io) ? io : new IOException(ex.getMessage(), ex);
        }
    }

    /**
     * The current part's bytes, as buffers over the blocks; the next part starts empty.
     */
    private ByteBuffer[] takeBlocks() {
        ByteBuffer[] buffers = new ByteBuffer[this.blocks.size()];
        long left = this.buffered;
        for (int i = 0; i < buffers.length; i++) {
            int length = (int) Math.min(left, BLOCK_SIZE);
            buffers[i] = ByteBuffer.wrap(this.blocks.get(i), 0, length);
            left -= length;
        }
        this.blocks.clear();
        this.buffered = 0;
        return buffers;
    }

    /** Waits until no part is uploading (every permit is back). */
    private void awaitParts(String during) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + PARTS_WAIT.toNanos();
        try {
            while (true) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    if (this.uploading.tryAcquire(this.partsInFlight, left, TimeUnit.NANOSECONDS)) {
                        this.uploading.release(this.partsInFlight);
                    }
                    else {
                        logger.warn("Parts of " + location() + " still uploading after " + PARTS_WAIT
                                + "; going on with " + during);
                    }
                    return;
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deleteObject() {
        try {
            S3Storage.joinUninterruptibly(this.s3.deleteObject((request) -> request.bucket(this.bucket).key(this.key)),
                    "Deleting " + location());
        }
        catch (IOException ex) {
            logger.warn(ex.getMessage(), ex);
        }
    }

    private void abortUpload() {
        try {
            S3Storage.joinUninterruptibly(
                    this.s3.abortMultipartUpload(
                            (request) -> request.bucket(this.bucket).key(this.key).uploadId(this.uploadId)),
                    "Aborting the multipart upload " + this.uploadId + " of " + location());
            Metrics.counter("sluice.s3.uploads.aborted").increment();
        }
        catch (IOException ex) {
            if (!S3Storage.isError(ex.getCause(), "NoSuchUpload")) {
                logger.warn(ex.getMessage() + " (a bucket lifecycle rule that aborts incomplete multipart uploads "
                        + "removes its parts eventually)", ex);
            }
        }
    }

    private void checkOpen() throws IOException {
        if (this.status != Status.OPEN) {
            throw new IllegalStateException("The upload of " + location() + " is " + this.status.name().toLowerCase());
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        IOException failure = this.failure;
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    private String location() {
        return S3Storage.location(this.bucket, this.key);
    }

    /** Checks that the store holds exactly an upload's parts. */
    @FunctionalInterface
    interface PartsCheck {

        /**
         * @throws StaleUploadException if a part is missing or not the one uploaded
         */
        void verify(UploadState state) throws IOException;

    }

    private enum Status {

        OPEN, COMPLETED, ABORTED, RELEASED

    }

}
