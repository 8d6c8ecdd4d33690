package dev.sluice.export;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.KeyOrder;
import dev.sluice.ServerProcess;
import dev.sluice.SluiceApplication;
import dev.sluice.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of the only replica mid-job, then a restart: the job continues from its
 * last checkpoint and its file holds every row exactly once. The servers are processes of
 * their own; this JVM's worker is paused meanwhile, so only they run the job.
 */
@IntegrationTest
class KillRecoveryIntegrationTests {

    private static final Pattern RESUMED = Pattern.compile("Export \\S+ resumes big\\.ndjson after row (\\d+)");

    @Autowired
    private ExportWorker worker;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKilledReplicaIsResumedFromItsCheckpointAfterARestart() throws Exception {
        TestDatabase database = TestDatabase.shared();
        Path logs = Files.createDirectories(Path.of("target", "kill-recovery"));
        this.worker.stop();
        try {
            ServerProcess first = start(database, logs.resolve("first.log"));
            String id;
            long checkpointed;
            try {
                id = JsonPath.read(post(first.uri("/v1/exports"),
                        "{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=60000\"}],"
                                + " \"consistency\": \"none\"}"),
                        "$.id");
                checkpointed = ExportJobsIntegrationTests.awaitCheckpoint(id);
            }
            finally {
                first.kill();
            }
            assertThat(get(first.uri("/v1/exports/" + id), true)).isNull();
            try (ServerProcess second = start(database, logs.resolve("second.log"))) {
                String status = awaitSuccess(second.uri("/v1/exports/" + id));
                assertThat((Integer) JsonPath.read(status, "$.attempts")).isEqualTo(2);
                byte[] file = bytes(second.uri("/v1/exports/" + id + "/files/big.ndjson"));
                byte[] streamed = bytes(second.uri("/v1/datasets/big/rows?limit=60000"));
                KeyOrder.assertAscending(streamed, "ndjson", List.of("id"), List.of("bigint"));
                assertThat(file).isEqualTo(streamed);
                assertThat(Exports.file(status, "big.ndjson").get("sha256"))
                    .isEqualTo(ExportIntegrationTests.sha256(file));
                Matcher resumed = RESUMED.matcher(Files.readString(logs.resolve("second.log")));
                assertThat(resumed.find()).as("the restarted replica resumed the file").isTrue();
                assertThat(Long.parseLong(resumed.group(1))).isGreaterThanOrEqualTo(checkpointed)
                    .isGreaterThan(0)
                    .isLessThan(60000);
            }
        }
        finally {
            this.worker.start();
        }
    }

    private ServerProcess start(TestDatabase database, Path log) throws Exception {
        return ServerProcess.start(SluiceApplication.class, database, List.of("-Xmx256m"),
                List.of("--spring.profiles.active=test"), log, this.http);
    }

    private String awaitSuccess(URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = get(uri, false);
            if (JsonPath.read(status, "$.state").equals("succeeded")) {
                return status;
            }
            Exports.sleep(100);
        }
        throw new AssertionError("Not succeeded in time: " + status);
    }

    private String post(URI uri, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return this.http.send(request, BodyHandlers.ofString()).body();
    }

    private String get(URI uri, boolean mayFail) throws Exception {
        try {
            return this.http
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString())
                .body();
        }
        catch (java.io.IOException ex) {
            if (mayFail) {
                return null;
            }
            throw ex;
        }
    }

    private byte[] bytes(URI uri) throws Exception {
        return this.http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofByteArray()).body();
    }

}
