package dev.sluice.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

import dev.sluice.S3MockServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link S3Storage} against a real S3Mock process: multipart uploads part by part,
 * resume, abort and failures, checked through a separate client.
 */
class S3StorageIntegrationTests {

    private static final int MIB = 1 << 20;

    private static final DataSize PART_SIZE = DataSize.ofMegabytes(5);

    /** Not a divisor of the part size, so parts end inside a write. */
    private static final int WRITE = 32 * 1024 - 3;

    private static final byte[] CONTENT = randomBytes(17 * MIB + 12_345, 42);

    private static final S3MockServer server = S3MockServer.shared();

    private static final String prefix = "it-" + UUID.randomUUID() + "/";

    private static S3Storage storage;

    private static S3AsyncClient client;

    private static ExecutorService executor;

    @BeforeAll
    static void start() {
        storage = new S3Storage(server.settings(prefix, PART_SIZE));
        client = S3AsyncClient.builder()
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .build();
        executor = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
        storage.close();
        client.close();
    }

    @Test
    void fileOfSeveralPartsIsStoredByteForByte() throws Exception {
        FileUpload upload = storage.upload("multi/file.ndjson", null);
        Writer writer = new Writer(upload, 0);
        writer.writeTo(CONTENT.length);
        assertThat(writer.cuts).hasSize(3);
        List<UploadState> states = new ArrayList<>();
        for (CompletableFuture<UploadState> cut : writer.cuts) {
            states.add(cut.get(30, TimeUnit.SECONDS));
        }
        String uploadId = states.get(0).uploadId();
        assertThat(uploadId).isNotBlank();
        long previous = 0;
        for (int i = 0; i < states.size(); i++) {
            UploadState state = states.get(i);
            assertThat(state.uploadId()).isEqualTo(uploadId);
            assertThat(state.parts()).extracting(UploadState.Part::number).containsExactlyElementsOf(numbers(i + 1));
            assertThat(state.parts()).allSatisfy((part) -> {
                assertThat(part.etag()).isNotBlank();
                assertThat(part.size()).isBetween(5L * MIB, 5L * MIB + WRITE);
            });
            assertThat(state.bytes()).isGreaterThan(previous)
                .isEqualTo(state.parts().stream().mapToLong(UploadState.Part::size).sum());
            previous = state.bytes();
        }
        assertThat(uploadsOf("multi/file.ndjson")).extracting(MultipartUpload::uploadId).containsExactly(uploadId);

        assertThat(upload.complete()).isEqualTo(CONTENT.length);

        assertThat(sha256(read("multi/file.ndjson"))).isEqualTo(sha256(CONTENT));
        // a multipart object's etag ends with its number of parts
        assertThat(
                s3().headObject((request) -> request.bucket(server.bucket()).key(prefix + "multi/file.ndjson")).eTag())
            .endsWith("-4\"");
        assertThat(uploadsOf("multi/file.ndjson")).isEmpty();
    }

    @Test
    void smallFileIsOnePut() throws Exception {
        byte[] content = randomBytes(100_000, 7);
        FileUpload upload = storage.upload("small/file.csv", null);
        Writer writer = new Writer(upload, 0, content);
        writer.writeTo(content.length);
        assertThat(writer.cuts).isEmpty();

        assertThat(upload.complete()).isEqualTo(content.length);

        assertThat(read("small/file.csv")).isEqualTo(content);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        assertThat(s3().headObject((request) -> request.bucket(server.bucket()).key(prefix + "small/file.csv")).eTag())
            .isEqualTo("\"" + md5 + "\"");
        assertThat(uploadsOf("small/file.csv")).isEmpty();
    }

    @Test
    void releasedUploadResumesFromACompletedCut() throws Exception {
        FileUpload first = storage.upload("resumed/file.json", null);
        Writer writer = new Writer(first, 0);
        writer.writeUntilCuts(3);
        // the state of the second cut: the third part exists too and is uploaded again
        UploadState state = writer.cuts.get(1).get(30, TimeUnit.SECONDS);
        writer.cuts.get(2).get(30, TimeUnit.SECONDS);
        writer.writeTo(writer.position + MIB);
        first.release();
        assertThat(state.parts()).hasSize(2);
        assertThat(uploadsOf("resumed/file.json")).extracting(MultipartUpload::uploadId)
            .containsExactly(state.uploadId());

        FileUpload resumed = storage.upload("resumed/file.json", state);
        Writer rest = new Writer(resumed, Math.toIntExact(state.bytes()));
        rest.writeTo(CONTENT.length);
        UploadState next = rest.cuts.get(0).get(30, TimeUnit.SECONDS);
        assertThat(next.uploadId()).isEqualTo(state.uploadId());
        assertThat(next.parts()).extracting(UploadState.Part::number).containsExactly(1, 2, 3);
        assertThat(next.parts().subList(0, 2)).isEqualTo(state.parts());

        assertThat(resumed.complete()).isEqualTo(CONTENT.length);

        byte[] stored = read("resumed/file.json");
        assertThat(stored).hasSize(CONTENT.length);
        assertThat(sha256(stored)).isEqualTo(sha256(CONTENT));
        assertThat(uploadsOf("resumed/file.json")).isEmpty();
    }

    @Test
    void resumeStateWithoutAnUploadStartsOver() throws Exception {
        FileUpload upload = storage.upload("fresh/file.csv", new UploadState(0, null, List.of()));
        upload.write(CONTENT, 0, 1000);
        assertThat(upload.complete()).isEqualTo(1000);
        assertThat(read("fresh/file.csv")).hasSize(1000);
    }

    @Test
    void resumingAnUploadThatIsGoneIsStale() throws Exception {
        // S3Mock answers 400 to an upload id that is not a UUID, where S3 says
        // NoSuchUpload
        String unknown = UUID.randomUUID().toString();
        UploadState bogus = new UploadState(5L * MIB, unknown,
                List.of(new UploadState.Part(1, "\"0123456789abcdef0123456789abcdef\"", 5L * MIB)));
        assertThatExceptionOfType(StaleUploadException.class).isThrownBy(() -> storage.upload("stale/bogus.csv", bogus))
            .withMessageContaining(unknown);

        FileUpload upload = storage.upload("stale/aborted.csv", null);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(1);
        UploadState state = writer.cuts.get(0).get(30, TimeUnit.SECONDS);
        upload.abort();
        assertThatExceptionOfType(StaleUploadException.class)
            .isThrownBy(() -> storage.upload("stale/aborted.csv", state));
    }

    @Test
    void resumingWithAPartThatDiffersIsStale() throws Exception {
        FileUpload upload = storage.upload("stale/differs.csv", null);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(2);
        UploadState state = writer.cuts.get(1).get(30, TimeUnit.SECONDS);
        upload.release();
        UploadState.Part second = state.parts().get(1);
        UploadState otherEtag = new UploadState(state.bytes(), state.uploadId(), List.of(state.parts().get(0),
                new UploadState.Part(2, "\"0123456789abcdef0123456789abcdef\"", second.size())));
        assertThatExceptionOfType(StaleUploadException.class)
            .isThrownBy(() -> storage.upload("stale/differs.csv", otherEtag))
            .withMessageContaining("Part 2");
        UploadState.Part third = new UploadState.Part(3, second.etag(), second.size());
        UploadState missingPart = new UploadState(state.bytes() + third.size(), state.uploadId(),
                List.of(state.parts().get(0), second, third));
        assertThatExceptionOfType(StaleUploadException.class)
            .isThrownBy(() -> storage.upload("stale/differs.csv", missingPart))
            .withMessageContaining("Part 3");
        // the true state still resumes
        storage.upload("stale/differs.csv", state).abort();
        assertThat(uploadsOf("stale/differs.csv")).isEmpty();
    }

    @Test
    void aPartReplacedByAnotherWriterIsNeverCompleted() throws Exception {
        FileUpload upload = storage.upload("replaced/file.bin", null);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(2);
        UploadState state = writer.cuts.get(1).get(30, TimeUnit.SECONDS);
        // Part 2 once more, from an earlier writer of the same upload that sent it late.
        client
            .uploadPart((request) -> request.bucket(server.bucket())
                .key(prefix + "replaced/file.bin")
                .uploadId(state.uploadId())
                .partNumber(2), AsyncRequestBody.fromBytes(randomBytes(5 * MIB, 7)))
            .get(30, TimeUnit.SECONDS);
        writer.writeTo(CONTENT.length);
        assertThatIOException().isThrownBy(upload::complete)
            .withMessageContaining("Not completing")
            .withMessageContaining("Part 2");
        upload.release();
        assertThat(exists("replaced/file.bin")).isFalse();
        // The upload is kept for the next attempt, whose resume check finds the part too.
        assertThatExceptionOfType(StaleUploadException.class)
            .isThrownBy(() -> storage.upload("replaced/file.bin", state))
            .withMessageContaining("Part 2");
        client
            .abortMultipartUpload((request) -> request.bucket(server.bucket())
                .key(prefix + "replaced/file.bin")
                .uploadId(state.uploadId()))
            .get(30, TimeUnit.SECONDS);
    }

    @Test
    void resumeChecksPartsBeyondTheFirstListingPage() throws Exception {
        // S3 lists at most 1000 parts at once; pages of 2 show the same paging with 5
        // tiny parts (fine as long as the upload is not completed)
        String key = prefix + "stale/many-parts.csv";
        String uploadId = client.createMultipartUpload((request) -> request.bucket(server.bucket()).key(key))
            .get(30, TimeUnit.SECONDS)
            .uploadId();
        List<UploadState.Part> parts = new ArrayList<>();
        for (int number = 1; number <= 5; number++) {
            int partNumber = number;
            String etag = client
                .uploadPart(
                        (request) -> request.bucket(server.bucket()).key(key).uploadId(uploadId).partNumber(partNumber),
                        AsyncRequestBody.fromBytes(new byte[] { (byte) partNumber }))
                .get(30, TimeUnit.SECONDS)
                .eTag();
            parts.add(new UploadState.Part(number, etag, 1));
        }

        storage.verify(key, new UploadState(5, uploadId, parts), 2);

        List<UploadState.Part> lastDiffers = new ArrayList<>(parts);
        lastDiffers.set(4, new UploadState.Part(5, parts.get(0).etag(), 1));
        assertThatExceptionOfType(StaleUploadException.class)
            .isThrownBy(() -> storage.verify(key, new UploadState(5, uploadId, lastDiffers), 2))
            .withMessageContaining("Part 5");
        List<UploadState.Part> oneMore = new ArrayList<>(parts);
        oneMore.add(new UploadState.Part(6, parts.get(0).etag(), 1));
        assertThatExceptionOfType(StaleUploadException.class)
            .isThrownBy(() -> storage.verify(key, new UploadState(6, uploadId, oneMore), 2))
            .withMessageContaining("Part 6");
        client.abortMultipartUpload((request) -> request.bucket(server.bucket()).key(key).uploadId(uploadId))
            .get(30, TimeUnit.SECONDS);
    }

    @Test
    void abortLeavesNothing() throws Exception {
        FileUpload upload = storage.upload("aborted/file.csv", null);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(2);
        writer.writeTo(writer.position + MIB);
        String uploadId = writer.cuts.get(0).get(30, TimeUnit.SECONDS).uploadId();
        assertThat(uploadsOf("aborted/file.csv")).hasSize(1);

        upload.abort();

        assertThat(uploadsOf("aborted/file.csv")).isEmpty();
        assertThat(exists("aborted/file.csv")).isFalse();
        assertThatThrownBy(() -> s3().listParts(
                (request) -> request.bucket(server.bucket()).key(prefix + "aborted/file.csv").uploadId(uploadId)))
            .isInstanceOf(S3Exception.class);
        assertThatIllegalStateException().isThrownBy(() -> upload.write(CONTENT, 0, 10));
    }

    @Test
    void abortWaitsForPartsInFlight() throws Exception {
        GatedS3 gated = new GatedS3(client);
        FileUpload upload = gatedUpload(gated, "aborted/in-flight.csv", 2);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(2);
        gated.open(1);
        writer.cuts.get(0).get(30, TimeUnit.SECONDS);

        Future<?> abort = executor.submit(upload::abort);
        assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> abort.get(300, TimeUnit.MILLISECONDS));
        assertThat(uploadsOf("aborted/in-flight.csv")).hasSize(1);
        gated.open(2);
        abort.get(30, TimeUnit.SECONDS);

        assertThat(gated.uploaded(2)).isCompleted();
        assertThat(uploadsOf("aborted/in-flight.csv")).isEmpty();
        assertThat(exists("aborted/in-flight.csv")).isFalse();
    }

    @Test
    void abortOfAnInterruptedWriterStillAborts() throws Exception {
        FileUpload upload = storage.upload("aborted/interrupted.csv", null);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(1);
        writer.cuts.get(0).get(30, TimeUnit.SECONDS);

        Thread.currentThread().interrupt();
        upload.abort();

        assertThat(Thread.interrupted()).isTrue();
        assertThat(uploadsOf("aborted/interrupted.csv")).isEmpty();
    }

    @Test
    void abortAfterACompleteWhoseAnswerWasLostDeletesTheObject() throws Exception {
        GatedS3 gated = new GatedS3(client);
        gated.openAll();
        gated.loseCompleteAnswer = true;
        FileUpload upload = gatedUpload(gated, "aborted/lost-answer.csv", 2);
        Writer writer = new Writer(upload, 0);
        writer.writeTo(CONTENT.length);
        assertThatIOException().isThrownBy(upload::complete).withMessageContaining("connection reset");
        assertThat(exists("aborted/lost-answer.csv")).isTrue();

        upload.abort();

        assertThat(exists("aborted/lost-answer.csv")).isFalse();
        assertThat(uploadsOf("aborted/lost-answer.csv")).isEmpty();
    }

    @Test
    void cutBlocksWhilePartsInFlightAreUploading() throws Exception {
        GatedS3 gated = new GatedS3(client);
        FileUpload upload = gatedUpload(gated, "bounded/file.csv", 1);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(1);
        writer.writeUntilFull();

        Future<CompletableFuture<UploadState>> secondCut = executor.submit(upload::cut);
        assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> secondCut.get(300, TimeUnit.MILLISECONDS));
        assertThat(writer.cuts.get(0)).isNotDone();
        gated.open(1);
        CompletableFuture<UploadState> second = secondCut.get(30, TimeUnit.SECONDS);
        assertThat(writer.cuts.get(0).get(30, TimeUnit.SECONDS).parts()).hasSize(1);
        gated.open(2);
        assertThat(second.get(30, TimeUnit.SECONDS).parts()).hasSize(2);
        writer.cuts.add(second);
        writer.writeTo(CONTENT.length);
        gated.openAll();

        assertThat(upload.complete()).isEqualTo(CONTENT.length);
        assertThat(sha256(read("bounded/file.csv"))).isEqualTo(sha256(CONTENT));
    }

    @Test
    void cutCompletesOnlyWhenEveryEarlierPartIsUploaded() throws Exception {
        GatedS3 gated = new GatedS3(client);
        FileUpload upload = gatedUpload(gated, "ordered/file.csv", 2);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(2);

        gated.open(2);
        gated.uploaded(2).get(30, TimeUnit.SECONDS);
        assertThat(writer.cuts.get(1)).isNotDone();
        gated.open(1);
        UploadState state = writer.cuts.get(1).get(30, TimeUnit.SECONDS);
        assertThat(state.parts()).extracting(UploadState.Part::number).containsExactly(1, 2);
        assertThat(writer.cuts.get(0).get(30, TimeUnit.SECONDS).parts()).hasSize(1);
        upload.abort();
        assertThat(uploadsOf("ordered/file.csv")).isEmpty();
    }

    @Test
    void failedPartFailsItsCutAndEverythingAfter() throws Exception {
        FileUpload upload = storage.upload("failed/part.csv", null);
        Writer writer = new Writer(upload, 0);
        writer.writeUntilCuts(1);
        UploadState state = writer.cuts.get(0).get(30, TimeUnit.SECONDS);
        s3().abortMultipartUpload((
                request) -> request.bucket(server.bucket()).key(prefix + "failed/part.csv").uploadId(state.uploadId()));
        writer.writeUntilCuts(2);

        assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> writer.cuts.get(1).join())
            .havingCause()
            .isInstanceOf(IOException.class)
            .withMessageContaining("Uploading part 2 of s3://" + server.bucket() + "/" + prefix + "failed/part.csv");
        assertThatIOException().isThrownBy(() -> upload.write(CONTENT, 0, 10));
        assertThatIOException().isThrownBy(upload::complete);
        upload.abort();
        assertThat(exists("failed/part.csv")).isFalse();
    }

    @Test
    void theReadinessCheckIsAHeadBucketWithATimeout() throws Exception {
        assertThat(new StorageHealth(storage).health().getStatus()).isEqualTo(Status.UP);
        try (S3Storage missing = new S3Storage(server.settings("no-such-bucket", prefix, PART_SIZE))) {
            assertThatIOException().isThrownBy(() -> missing.check(Duration.ofSeconds(5)));
            assertThat(new StorageHealth(missing).health().getStatus()).isEqualTo(Status.DOWN);
        }
        // A store that takes the connection and never answers: the probe still answers.
        StorageProperties.S3 valid = server.settings(prefix, PART_SIZE);
        try (ServerSocket silent = new ServerSocket(0);
                S3Storage hanging = new S3Storage(new StorageProperties.S3(valid.bucket(), "",
                        URI.create("http://localhost:" + silent.getLocalPort()), "us-east-1", true, "a", "b", PART_SIZE,
                        2, Duration.ofMinutes(15)))) {
            assertThatIOException().isThrownBy(() -> hanging.check(Duration.ofSeconds(2)))
                .withMessageContaining("did not answer within");
            assertThat(new StorageHealth(hanging).health().getStatus()).isEqualTo(Status.DOWN);
        }
    }

    @Test
    void missingBucketFailsTheUpload() throws Exception {
        try (S3Storage missing = new S3Storage(server.settings("no-such-bucket", prefix, PART_SIZE))) {
            FileUpload multipart = missing.upload("file.csv", null);
            Writer writer = new Writer(multipart, 0);
            writer.writeUntilFull();
            assertThatIOException().isThrownBy(multipart::cut).withMessageContaining("NoSuchBucket");
            assertThatIOException().isThrownBy(() -> multipart.write(CONTENT, 0, 10));
            assertThatIOException().isThrownBy(multipart::complete);
            multipart.abort();

            FileUpload small = missing.upload("small.csv", null);
            small.write(CONTENT, 0, 1000);
            assertThatIOException().isThrownBy(small::complete).withMessageContaining("NoSuchBucket");

            assertThatIOException().isThrownBy(() -> missing.put("put.csv", new byte[10]))
                .withMessageContaining("NoSuchBucket");
        }
    }

    @Test
    void putAndDelete() throws Exception {
        storage.put("deleted/a.json", "{\"a\":1}".getBytes());
        storage.put("deleted/b.json", "{\"b\":2}".getBytes());
        assertThat(read("deleted/a.json")).isEqualTo("{\"a\":1}".getBytes());
        assertThat(exists("deleted/b.json")).isTrue();

        storage.delete(List.of("deleted/a.json", "deleted/b.json", "deleted/never-written.json"));

        assertThat(exists("deleted/a.json")).isFalse();
        assertThat(exists("deleted/b.json")).isFalse();
    }

    @Test
    void downloadIsAPresignedUrl() throws Exception {
        byte[] content = randomBytes(200_000, 3);
        storage.put("download/file.csv", content);

        Download download = storage.download("download/file.csv");

        assertThat(download).isInstanceOf(Download.Redirect.class);
        URI uri = ((Download.Redirect) download).uri();
        assertThat(uri.getRawQuery()).contains("X-Amz-Expires=300").contains("X-Amz-Signature=");
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(content);
    }

    @Test
    void settingsAreChecked() {
        StorageProperties.S3 valid = server.settings(prefix, PART_SIZE);
        assertThatIllegalStateException()
            .isThrownBy(() -> new S3Storage(new StorageProperties.S3(null, "", null, "us-east-1", false, null, null,
                    PART_SIZE, 2, Duration.ofMinutes(15))))
            .withMessageContaining("sluice.storage.s3.bucket");
        assertThatIllegalStateException()
            .isThrownBy(() -> new S3Storage(new StorageProperties.S3(valid.bucket(), "", valid.endpoint(), "us-east-1",
                    true, "a", "b", DataSize.ofMegabytes(4), 2, Duration.ofMinutes(15))))
            .withMessageContaining("sluice.storage.s3.part-size");
        assertThatIllegalStateException()
            .isThrownBy(() -> new S3Storage(new StorageProperties.S3(valid.bucket(), "", valid.endpoint(), "us-east-1",
                    true, "a", "b", PART_SIZE, 0, Duration.ofMinutes(15))))
            .withMessageContaining("sluice.storage.s3.parts-in-flight");
    }

    @Test
    void cutOfATooSmallPartIsRefused() throws Exception {
        FileUpload upload = storage.upload("small/cut.csv", null);
        upload.write(CONTENT, 0, 1000);
        assertThat(upload.segmentFull()).isFalse();
        assertThatIllegalStateException().isThrownBy(upload::cut).withMessageContaining("segmentFull");
        upload.abort();
        assertThat(uploadsOf("small/cut.csv")).isEmpty();
    }

    private static FileUpload gatedUpload(GatedS3 gated, String key, int partsInFlight) {
        return new S3FileUpload(gated, server.bucket(), prefix + key, PART_SIZE.toBytes(), partsInFlight, null,
                (state) -> storage.verify(prefix + key, state, 1000));
    }

    private static S3Client s3() {
        return server.client();
    }

    private static byte[] read(String key) {
        return s3().getObjectAsBytes((request) -> request.bucket(server.bucket()).key(prefix + key)).asByteArray();
    }

    private static boolean exists(String key) {
        try {
            s3().headObject((request) -> request.bucket(server.bucket()).key(prefix + key));
            return true;
        }
        catch (NoSuchKeyException ex) {
            return false;
        }
    }

    private static List<MultipartUpload> uploadsOf(String key) {
        return s3().listMultipartUploads((request) -> request.bucket(server.bucket()).prefix(prefix + key))
            .uploads()
            .stream()
            .filter((upload) -> upload.key().equals(prefix + key))
            .toList();
    }

    private static List<Integer> numbers(int count) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * Writes content the way a job does: small writes, a cut whenever a segment is full.
     */
    private static final class Writer {

        private final FileUpload upload;

        private final byte[] content;

        private final List<CompletableFuture<UploadState>> cuts = new ArrayList<>();

        private int position;

        Writer(FileUpload upload, int position) {
            this(upload, position, CONTENT);
        }

        Writer(FileUpload upload, int position, byte[] content) {
            this.upload = upload;
            this.position = position;
            this.content = content;
        }

        void writeTo(int end) throws IOException {
            while (this.position < end) {
                writeOnce(end);
                if (this.upload.segmentFull()) {
                    this.cuts.add(this.upload.cut());
                }
            }
        }

        void writeUntilCuts(int count) throws IOException {
            while (this.cuts.size() < count) {
                writeUntilFull();
                this.cuts.add(this.upload.cut());
            }
        }

        void writeUntilFull() throws IOException {
            while (!this.upload.segmentFull()) {
                writeOnce(this.content.length);
            }
        }

        private void writeOnce(int end) throws IOException {
            int length = Math.min(WRITE, end - this.position);
            if (length <= 0) {
                throw new IllegalStateException("Content exhausted at " + this.position);
            }
            this.upload.write(this.content, this.position, length);
            this.position += length;
        }

    }

    /**
     * A client whose part uploads each wait for their gate to open: parts in flight for
     * as long as a test needs.
     */
    private static final class GatedS3 implements S3AsyncClient {

        private final S3AsyncClient delegate;

        private final Map<Integer, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

        private final Map<Integer, CompletableFuture<UploadPartResponse>> uploads = new ConcurrentHashMap<>();

        private volatile boolean allOpen;

        /** Completes uploads but answers as if the connection had dropped. */
        private volatile boolean loseCompleteAnswer;

        GatedS3(S3AsyncClient delegate) {
            this.delegate = delegate;
        }

        void open(int part) {
            gate(part).complete(null);
        }

        void openAll() {
            this.allOpen = true;
            this.gates.values().forEach((gate) -> gate.complete(null));
        }

        CompletableFuture<UploadPartResponse> uploaded(int part) {
            return this.uploads.get(part);
        }

        private CompletableFuture<Void> gate(int part) {
            CompletableFuture<Void> gate = this.gates.computeIfAbsent(part, (number) -> new CompletableFuture<>());
            if (this.allOpen) {
                gate.complete(null);
            }
            return gate;
        }

        @Override
        public CompletableFuture<UploadPartResponse> uploadPart(UploadPartRequest request, AsyncRequestBody body) {
            CompletableFuture<UploadPartResponse> upload = gate(request.partNumber())
                .thenCompose((open) -> this.delegate.uploadPart(request, body));
            this.uploads.put(request.partNumber(), upload);
            return upload;
        }

        @Override
        public CompletableFuture<CreateMultipartUploadResponse> createMultipartUpload(
                CreateMultipartUploadRequest request) {
            return this.delegate.createMultipartUpload(request);
        }

        @Override
        public CompletableFuture<CompleteMultipartUploadResponse> completeMultipartUpload(
                CompleteMultipartUploadRequest request) {
            CompletableFuture<CompleteMultipartUploadResponse> complete = this.delegate
                .completeMultipartUpload(request);
            if (!this.loseCompleteAnswer) {
                return complete;
            }
            return complete.thenCompose((answer) -> CompletableFuture
                .failedFuture(SdkClientException.create("Unable to execute HTTP request: connection reset")));
        }

        @Override
        public CompletableFuture<AbortMultipartUploadResponse> abortMultipartUpload(
                AbortMultipartUploadRequest request) {
            return this.delegate.abortMultipartUpload(request);
        }

        @Override
        public CompletableFuture<PutObjectResponse> putObject(PutObjectRequest request, AsyncRequestBody body) {
            return this.delegate.putObject(request, body);
        }

        @Override
        public CompletableFuture<DeleteObjectResponse> deleteObject(DeleteObjectRequest request) {
            return this.delegate.deleteObject(request);
        }

        @Override
        public String serviceName() {
            return this.delegate.serviceName();
        }

        @Override
        public void close() {
        }

    }

}
