package dev.sluice.export;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.S3MockServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Export jobs to an S3-compatible store (S3Mock, a process of its own): multipart uploads
 * of several parts read back row for row, presigned downloads, and no completed object
 * and no unfinished upload after a failure or a cancel.
 */
@IntegrationTest
class S3ExportIntegrationTests {

    private static final String PREFIX = "exports/";

    @Autowired
    private WebTestClient client;

    @Autowired
    private ExportWorker worker;

    @Autowired
    private ExportRunner runner;

    @Autowired
    private Expiry expiry;

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        S3MockServer s3 = S3MockServer.shared();
        registry.add("sluice.storage.type", () -> "s3");
        registry.add("sluice.storage.s3.endpoint", () -> s3.endpoint().toString());
        registry.add("sluice.storage.s3.bucket", s3::bucket);
        registry.add("sluice.storage.s3.prefix", () -> PREFIX);
        registry.add("sluice.storage.s3.path-style-access", () -> "true");
        registry.add("sluice.storage.s3.access-key", () -> "test");
        registry.add("sluice.storage.s3.secret-key", () -> "test");
        registry.add("sluice.storage.s3.part-size", () -> "5MB");
    }

    private Exports exports() {
        return new Exports(this.client);
    }

    private S3Client s3() {
        return S3MockServer.shared().client();
    }

    @Test
    void aFileOfSeveralPartsReadsBackRowForRow() throws Exception {
        double partsBefore = s3Count("sluice.s3.parts.uploaded");
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"wide\"}]}");
        String status = exports.awaitSuccess(id);
        ResponseBytes<GetObjectResponse> object = s3()
            .getObjectAsBytes((get) -> get.bucket(S3MockServer.shared().bucket()).key(PREFIX + id + "/wide.ndjson"));
        byte[] streamed = exports.streamed("wide", "", "ndjson");
        assertThat(object.asByteArray()).as(() -> difference(object.asByteArray(), streamed, status))
            .isEqualTo(streamed);
        int parts = Integer.parseInt(object.response().eTag().replaceAll(".*-(\\d+)\"?$", "$1"));
        assertThat(parts).as("multipart parts of " + streamed.length + " bytes").isGreaterThanOrEqualTo(3);
        assertThat(s3Count("sluice.s3.parts.uploaded") - partsBefore).as("parts counted").isGreaterThanOrEqualTo(parts);
        assertThat(Exports.file(status, "wide.ndjson").get("sha256"))
            .isEqualTo(ExportIntegrationTests.sha256(streamed));
        // Downloads redirect to a presigned URL of the store.
        URI location = exports.client()
            .get()
            .uri("/v1/exports/" + id + "/files/wide.ndjson")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.TEMPORARY_REDIRECT)
            .expectBody()
            .returnResult()
            .getResponseHeaders()
            .getLocation();
        byte[] presigned = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(location).build(), BodyHandlers.ofByteArray())
            .body();
        assertThat(presigned).isEqualTo(streamed);
        assertThat(openUploads()).isEmpty();
    }

    @Test
    void gzipAndTheManifestGoToTheBucket() throws Exception {
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"events\", \"query\": \"kind=eq.refund\"},"
                + " {\"dataset\": \"pairs\"}], \"format\": \"csv\", \"compression\": \"gzip\"}");
        exports.awaitSuccess(id);
        List<String> keys = s3()
            .listObjectsV2((list) -> list.bucket(S3MockServer.shared().bucket()).prefix(PREFIX + id + "/"))
            .contents()
            .stream()
            .map(S3Object::key)
            .toList();
        assertThat(keys).containsExactlyInAnyOrder(PREFIX + id + "/events.csv.gz", PREFIX + id + "/pairs.csv.gz",
                PREFIX + id + "/manifest.json");
        byte[] events = s3()
            .getObjectAsBytes((get) -> get.bucket(S3MockServer.shared().bucket()).key(PREFIX + id + "/events.csv.gz"))
            .asByteArray();
        assertThat(ExportIntegrationTests.gunzip(events))
            .isEqualTo(exports.streamed("events", "kind=eq.refund", "csv"));
        String manifest = s3()
            .getObjectAsBytes((get) -> get.bucket(S3MockServer.shared().bucket()).key(PREFIX + id + "/manifest.json"))
            .asUtf8String();
        assertThat((String) JsonPath.read(manifest, "$.files[0].sha256"))
            .isEqualTo(ExportIntegrationTests.sha256(events));
    }

    @Test
    void aFailureMidUploadLeavesNoObjectAndNoUpload() {
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"wide-doomed\"}]}");
        String status = exports.awaitEnd(id, Duration.ofSeconds(60));
        assertThat((String) JsonPath.read(status, "$.state")).as(status).isEqualTo("failed");
        assertThat((String) JsonPath.read(status, "$.error")).contains("fuse blown at row 6001");
        // Parts were up when the query failed.
        assertThat(((Number) JsonPath.read(status, "$.progress.bytes")).longValue()).isGreaterThan(5 * 1024 * 1024);
        assertNoObject(PREFIX + id + "/wide-doomed.ndjson");
        assertThat(openUploads()).isEmpty();
    }

    @Test
    void aCancelAbortsTheUpload() {
        double abortedBefore = s3Count("sluice.s3.uploads.aborted");
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"wide-paced\"}]}");
        awaitBytes(id, 6 * 1024 * 1024);
        this.client.delete()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody()
            .returnResult();
        String status = exports.awaitEnd(id, Duration.ofSeconds(30));
        assertThat((String) JsonPath.read(status, "$.state")).isEqualTo("cancelled");
        assertNoObject(PREFIX + id + "/wide-paced.ndjson");
        assertThat(openUploads()).isEmpty();
        assertThat(s3Count("sluice.s3.uploads.aborted") - abortedBefore).isGreaterThanOrEqualTo(1);
    }

    // The S3 counters live in Micrometer's global registry, which Spring Boot's registry
    // joins.
    private static double s3Count(String name) {
        io.micrometer.core.instrument.Counter counter = io.micrometer.core.instrument.Metrics.globalRegistry.find(name)
            .counter();
        return (counter != null) ? counter.count() : 0;
    }

    @Test
    void anotherWorkerContinuesTheMultipartUpload() throws Exception {
        Exports exports = exports();
        ExportWorker second = new ExportWorker(this.runner, this.expiry);
        try {
            String id = exports.submit("{\"parts\": [{\"dataset\": \"wide-paced\", \"query\": \"select=id,body\"}],"
                    + " \"consistency\": \"none\"}");
            awaitBytes(id, 6 * 1024 * 1024);
            String checkpoint = ExportJobsIntegrationTests
                .query("SELECT checkpoint::text FROM sluice_export_part WHERE export_id = '" + id + "'");
            assertThat(checkpoint).contains("uploadId");
            this.worker.crash();
            second.start();
            exports.awaitSuccess(id);
            assertThat((Integer) JsonPath.read(exports.status(id), "$.attempts")).isEqualTo(2);
            byte[] object = s3()
                .getObjectAsBytes(
                        (get) -> get.bucket(S3MockServer.shared().bucket()).key(PREFIX + id + "/wide-paced.ndjson"))
                .asByteArray();
            // The same rows as the unpaced table's.
            assertThat(object).isEqualTo(exports.streamed("wide", "", "ndjson"));
            assertThat(Exports.file(exports.status(id), "wide-paced.ndjson").get("sha256"))
                .isEqualTo(ExportIntegrationTests.sha256(object));
            assertThat(openUploads()).isEmpty();
        }
        finally {
            second.stop();
            this.worker.start();
        }
    }

    // Where the stored object and the stream part, and whose hash the job recorded, so
    // that a rare mismatch tells whether the job wrote wrong bytes or the store holds
    // other bytes than were sent.
    private static String difference(byte[] stored, byte[] streamed, String status) {
        int at = Arrays.mismatch(stored, streamed);
        if (at < 0) {
            return "no difference";
        }
        String recorded = String.valueOf(Exports.file(status, "wide.ndjson").get("sha256"));
        return "first difference at byte " + at + " of " + streamed.length + " (stored " + stored.length
                + " bytes); around it stored: " + around(stored, at) + ", streamed: " + around(streamed, at)
                + "; the job's sha256 "
                + (recorded.equals(ExportIntegrationTests.sha256(streamed)) ? "is"
                        : recorded.equals(ExportIntegrationTests.sha256(stored)) ? "is not (it is the stored one's)"
                                : "is neither")
                + " the streamed one's";
    }

    private static String around(byte[] bytes, int at) {
        int from = Math.max(0, at - 32);
        return "'" + new String(bytes, from, Math.min(bytes.length, at + 32) - from, StandardCharsets.ISO_8859_1) + "'";
    }

    /** Waits until the export wrote this much and saved a checkpoint. */
    private void awaitBytes(String id, long bytes) {
        await().atMost(Duration.ofSeconds(60))
            .until(() -> ((Number) JsonPath.read(exports().status(id), "$.progress.bytes")).longValue() >= bytes
                    && "t".equals(ExportJobsIntegrationTests.query(
                            "SELECT checkpoint IS NOT NULL FROM sluice_export_part WHERE export_id = '" + id + "'")));
    }

    private void assertNoObject(String key) {
        assertThatThrownBy(() -> s3().headObject((head) -> head.bucket(S3MockServer.shared().bucket()).key(key)))
            .isInstanceOf(NoSuchKeyException.class);
    }

    private List<String> openUploads() {
        return s3().listMultipartUploads((list) -> list.bucket(S3MockServer.shared().bucket()).prefix(PREFIX))
            .uploads()
            .stream()
            .map((upload) -> upload.key())
            .toList();
    }

}
