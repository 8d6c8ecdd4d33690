package dev.sluice.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Export files in an S3 bucket (or an S3-compatible store), written as multipart uploads
 * whose parts are the segments: every part is a checkpoint a job can resume from. The
 * low-level multipart calls, not the SDK's automatic multipart, so that parts can grow
 * (see {@link S3PartSizes}), each part's completion is known, and an abort is certain.
 * <p>
 * Every method blocks on the SDK's futures: call them from a worker thread, never an
 * event loop.
 */
public final class S3Storage implements Storage, AutoCloseable {

    /** The most parts S3 lists at once. */
    private static final int LISTING_PAGE = 1000;

    private static final Duration QUIET_PERIOD = Duration.ofMillis(100);

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final StorageProperties.S3 settings;

    private final String bucket;

    private final long partSize;

    private final AwsCredentialsProvider credentials;

    private final S3AsyncClient s3;

    private final S3Presigner presigner;

    // The client's event loops, owned here: the SDK closes loops of its own with a 2 s
    // quiet period, which every replica's shutdown would wait out.
    private final SdkEventLoopGroup loops;

    public S3Storage(StorageProperties.S3 settings) {
        this.settings = settings;
        this.bucket = validate(settings);
        this.partSize = settings.partSize().toBytes();
        this.credentials = credentials(settings);
        Region region = Region.of(settings.region());
        this.loops = SdkEventLoopGroup.builder().build();
        S3AsyncClientBuilder client = S3AsyncClient.builder()
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(this.loops))
            .region(region)
            .credentialsProvider(this.credentials)
            .forcePathStyle(settings.pathStyleAccess())
            // Without this the SDK creates uploads with a CRC32 checksum, and then every
            // complete must repeat each part's checksum (S3Mock refuses it otherwise).
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
        S3Presigner.Builder presigner = S3Presigner.builder()
            .region(region)
            .credentialsProvider(this.credentials)
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyleAccess()).build());
        if (settings.endpoint() != null) {
            client.endpointOverride(settings.endpoint());
            presigner.endpointOverride(settings.endpoint());
        }
        this.s3 = client.build();
        this.presigner = presigner.build();
    }

    private static String validate(StorageProperties.S3 settings) {
        String bucket = settings.bucket();
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalStateException("sluice.storage.s3.bucket must be set to store exports in S3");
        }
        long partSize = settings.partSize().toBytes();
        if (partSize < S3PartSizes.MIN_PART || partSize > S3PartSizes.MAX_PART) {
            throw new IllegalStateException(
                    "sluice.storage.s3.part-size must be 5MB to 5GB (S3's limits for a part), not "
                            + settings.partSize());
        }
        if (settings.partsInFlight() < 1) {
            throw new IllegalStateException(
                    "sluice.storage.s3.parts-in-flight must be at least 1, not " + settings.partsInFlight());
        }
        return bucket;
    }

    private static AwsCredentialsProvider credentials(StorageProperties.S3 settings) {
        String accessKey = settings.accessKey();
        String secretKey = settings.secretKey();
        if (accessKey != null && !accessKey.isEmpty() && secretKey != null && !secretKey.isEmpty()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public void check(Duration timeout) throws IOException {
        CompletableFuture<?> head = this.s3.headBucket((request) -> request.bucket(this.bucket));
        try {
            head.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            head.cancel(true);
            throw new IOException("The bucket " + this.bucket + " did not answer within " + timeout, ex);
        }
        catch (InterruptedException ex) {
            head.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Checking the bucket " + this.bucket + " was interrupted");
        }
        catch (ExecutionException | CancellationException ex) {
            throw failure("Checking the bucket " + this.bucket, ex);
        }
    }

    @Override
    public FileUpload upload(String key, @Nullable UploadState resume) throws IOException {
        String objectKey = objectKey(key);
        S3FileUpload.PartsCheck check = (state) -> verify(objectKey, state, LISTING_PAGE);
        if (resume == null || resume.uploadId() == null) {
            return new S3FileUpload(this.s3, this.bucket, objectKey, this.partSize, this.settings.partsInFlight(), null,
                    check);
        }
        verify(objectKey, resume, LISTING_PAGE);
        return new S3FileUpload(this.s3, this.bucket, objectKey, this.partSize, this.settings.partsInFlight(), resume,
                check);
    }

    /**
     * Checks that the upload still exists and holds the state's parts with the same
     * etags. Parts after them may exist (a part in flight when the state was taken): the
     * resumed upload uploads them again.
     * @param pageSize the parts per ListParts call
     */
    void verify(String objectKey, UploadState state, int pageSize) throws IOException {
        String uploadId = state.uploadId();
        long bytes = 0;
        for (int i = 0; i < state.parts().size(); i++) {
            UploadState.Part part = state.parts().get(i);
            if (part.number() != i + 1) {
                throw new IllegalArgumentException(
                        "The resume state's parts must be numbered 1, 2, ... in order, not " + state.parts());
            }
            bytes += part.size();
        }
        if (bytes != state.bytes()) {
            throw new IllegalArgumentException(
                    "The resume state's parts hold " + bytes + " bytes, not the " + state.bytes() + " it states");
        }
        Map<Integer, Part> stored = new HashMap<>();
        Integer marker = null;
        do {
            Integer after = marker;
            ListPartsResponse page;
            try {
                page = join(this.s3.listParts((request) -> request.bucket(this.bucket)
                    .key(objectKey)
                    .uploadId(uploadId)
                    .maxParts(pageSize)
                    .partNumberMarker(after)), "Listing the parts of " + location(objectKey));
            }
            catch (IOException ex) {
                if (ex.getCause() instanceof NoSuchUploadException || isError(ex.getCause(), "NoSuchUpload")) {
                    throw new StaleUploadException("The multipart upload " + uploadId + " of " + location(objectKey)
                            + " no longer exists (completed, aborted or expired)");
                }
                throw ex;
            }
            for (Part part : page.parts()) {
                stored.put(part.partNumber(), part);
            }
            Integer next = page.nextPartNumberMarker();
            // a marker that does not move on would loop for ever
            marker = (Boolean.TRUE.equals(page.isTruncated()) && next != null && (after == null || next > after)) ? next
                    : null;
        }
        while (marker != null);
        for (UploadState.Part part : state.parts()) {
            Part found = stored.get(part.number());
            if (found == null) {
                throw new StaleUploadException("Part " + part.number() + " of the multipart upload " + uploadId + " of "
                        + location(objectKey) + " is missing");
            }
            if (!unquoted(found.eTag()).equals(unquoted(part.etag())) || found.size() != part.size()) {
                throw new StaleUploadException("Part " + part.number() + " of the multipart upload " + uploadId + " of "
                        + location(objectKey) + " is not the one uploaded (etag " + found.eTag() + ", " + found.size()
                        + " bytes instead of " + part.etag() + ", " + part.size() + ")");
            }
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        String objectKey = objectKey(key);
        join(this.s3.putObject(
                (request) -> request.bucket(this.bucket).key(objectKey).contentLength((long) content.length),
                AsyncRequestBody.fromBytes(content)), "Writing " + location(objectKey));
    }

    // The SDK's blocking stream asks S3 for more only as it is read.
    @Override
    public InputStream read(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return join(this.s3.getObject((request) -> request.bucket(this.bucket).key(objectKey),
                    AsyncResponseTransformer.toBlockingInputStream()), "Reading " + location(objectKey));
        }
        catch (IOException ex) {
            if (ex.getCause() instanceof NoSuchKeyException || isError(ex.getCause(), "NoSuchKey")) {
                NoSuchFileException missing = new NoSuchFileException(location(objectKey));
                missing.initCause(ex.getCause());
                throw missing;
            }
            throw ex;
        }
    }

    @Override
    public void delete(List<String> keys) throws IOException {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        for (String key : keys) {
            String objectKey = objectKey(key);
            deletes.add(this.s3.deleteObject((request) -> request.bucket(this.bucket).key(objectKey)));
        }
        IOException failure = null;
        for (int i = 0; i < deletes.size(); i++) {
            try {
                join(deletes.get(i), "Deleting " + location(objectKey(keys.get(i))));
            }
            catch (IOException ex) {
                if (failure == null) {
                    failure = ex;
                }
                else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Download download(String key) {
        String objectKey = objectKey(key);
        URI uri;
        try {
            uri = this.presigner
                .presignGetObject((request) -> request.signatureDuration(this.settings.presignDuration())
                    .getObjectRequest((get) -> get.bucket(this.bucket).key(objectKey)))
                .url()
                .toURI();
        }
        catch (URISyntaxException ex) {
            throw new IllegalStateException("The presigned URL of " + location(objectKey) + " is not a URI", ex);
        }
        return new Download.Redirect(uri);
    }

    @Override
    public void close() {
        this.presigner.close();
        this.s3.close();
        if (this.credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        // By now the workers have stopped and no upload is in flight.
        this.loops.eventLoopGroup()
            .shutdownGracefully(QUIET_PERIOD.toMillis(), SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
    }

    private String objectKey(String key) {
        return this.settings.prefix() + key;
    }

    private String location(String objectKey) {
        return location(this.bucket, objectKey);
    }

    static String location(String bucket, String objectKey) {
        return "s3://" + bucket + "/" + objectKey;
    }

    /**
     * Waits for an SDK call.
     * @param what what the call does, for the message ("Writing s3://b/k")
     * @throws IOException the call's failure, with S3's error code and message
     */
    static <T> T join(CompletableFuture<T> call, String what) throws IOException {
        try {
            return call.get();
        }
        catch (InterruptedException ex) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(what + " was interrupted");
            interrupted.initCause(ex);
            throw interrupted;
        }
        catch (ExecutionException | CancellationException ex) {
            throw failure(what, ex);
        }
    }

    /**
     * Waits for an SDK call even if the thread is interrupted (an abort must reach S3
     * when a cancelled job cleans up); the interrupt is kept for the caller.
     */
    static <T> T joinUninterruptibly(CompletableFuture<T> call, String what) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return call.get();
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                }
                catch (ExecutionException | CancellationException ex) {
                    throw failure(what, ex);
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A failed SDK call as an IOException, with S3's error code and message. */
    static IOException failure(String what, Throwable failure) {
        Throwable cause = unwrap(failure);
        return new IOException(what + " failed: " + describe(cause), cause);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails().errorMessage();
            return ((code != null) ? code + " " : "") + "(HTTP " + service.statusCode() + ")"
                    + ((message != null) ? ": " + message : "");
        }
        if (cause.getMessage() != null) {
            return cause.getMessage();
        }
        return cause.getClass().getSimpleName() + ((cause.getCause() != null) ? ": " + describe(cause.getCause()) : "");
    }

    static boolean isError(@Nullable Throwable cause, String code) {
        return cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                && code.equals(service.awsErrorDetails().errorCode());
    }

    private static String unquoted(String etag) {
        return (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\""))
                ? etag.substring(1, etag.length() - 1) : etag;
    }

}
