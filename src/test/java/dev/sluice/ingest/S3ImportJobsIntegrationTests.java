package dev.sluice.ingest;

import dev.sluice.IntegrationTest;
import dev.sluice.S3MockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Import jobs from S3 (S3Mock, a process of its own): an export of two datasets to the
 * bucket, imported whole into empty copies of their tables, each file streamed from
 * GetObject; a missing manifest and a tampered object.
 */
@IntegrationTest
class S3ImportJobsIntegrationTests {

    // The same settings as S3ExportIntegrationTests: a worker of either context may run
    // the other's jobs, so both must write and read the same keys.
    private static final String PREFIX = "exports/";

    @Autowired
    private WebTestClient client;

    private Jobs jobs;

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

    @BeforeEach
    void emptyTargets() {
        this.jobs = new Jobs(this.client);
        Imports.sql("TRUNCATE job_events, job_pairs");
    }

    @Test
    void anExportOfTwoDatasetsInTheBucketGoesIntoCopiesOfTheirTables() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}, {\"dataset\": \"pairs\"}]}");
        JsonNode status = this.jobs.runImport("{\"manifest\": \"" + manifest
                + "\", \"datasets\": {\"events\": \"job-events\", \"pairs\": \"job-pairs\"}}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("succeeded");
        assertThat(Jobs.difference("events", "job_events")).isEmpty();
        assertThat(Jobs.difference("pairs", "job_pairs")).isEmpty();
        assertThat(Imports.count("job_events")).isEqualTo(1000);
        assertThat(status.get("progress").get("files").get(1).get("report").get("inserted").asLong()).isEqualTo(100);
    }

    @Test
    void aTamperedObjectFailsTheJob() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}, {\"dataset\": \"pairs\"}]}");
        String key = PREFIX + manifest.replace("manifest.json", "events.ndjson");
        S3MockServer s3 = S3MockServer.shared();
        String content = s3.client().getObjectAsBytes((get) -> get.bucket(s3.bucket()).key(key)).asUtf8String();
        s3.client()
            .putObject((put) -> put.bucket(s3.bucket()).key(key),
                    RequestBody.fromString(content.replace("\"click\"", "\"kcilc\"")));
        JsonNode status = this.jobs.runImport("{\"manifest\": \"" + manifest
                + "\", \"datasets\": {\"events\": \"job-events\", \"pairs\": \"job-pairs\"}}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("failed");
        assertThat(status.get("error").asString()).contains("events.ndjson").contains("sha256");
        assertThat(Imports.count("job_events")).isZero();
        assertThat(Imports.count("job_pairs")).isZero();
    }

    @Test
    void aManifestNotInTheBucketIsRefused() {
        Jobs.Answer answer = this.jobs.post("/v1/imports", "{\"manifest\": \"nowhere/manifest.json\"}");
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.body().get("detail").asString()).contains("There is no file 'nowhere/manifest.json'")
            .contains("s3 storage");
    }

}
