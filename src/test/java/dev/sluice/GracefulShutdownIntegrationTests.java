package dev.sluice;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.export.ExportWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to a replica (a server process of its own) with two streams and an export job
 * in flight: it stops being ready, the short stream finishes, the one that outlasts the
 * grace period is cut short (no terminating chunk), and the job goes back to the queue at
 * once, so a second replica (this JVM's worker, paused until then) runs it to success
 * long before the first replica's 120 s lease could have run out.
 */
@IntegrationTest
class GracefulShutdownIntegrationTests {

    @Autowired
    ExportWorker worker;

    @Autowired
    WebTestClient client;

    @Autowired
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void inFlightStreamsFinishOrAreCutAtTheGraceAndRunningJobsAreResumedElsewhereAtOnce() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "graceful-shutdown"));
        this.worker.stop();
        double exportedBefore = exported();
        ServerProcess first = ServerProcess.start(SluiceApplication.class, TestDatabase.shared(), List.of("-Xmx256m"),
                List.of("--spring.profiles.active=test", "--sluice.exports.lease=120s",
                        "--spring.lifecycle.timeout-per-shutdown-phase=6s"),
                logs.resolve("first.log"), this.http);
        try {
            // 1000 rows at 10 ms each: running for seconds when the replica is told to
            // stop.
            String id = JsonPath.read(post(first.uri("/v1/exports"), "{\"parts\": [{\"dataset\": \"slow\"}]}"), "$.id");
            await().atMost(Duration.ofSeconds(30))
                .until(() -> "running".equals(JsonPath.read(get(first.uri("/v1/exports/" + id)), "$.state")));
            int port = first.uri("/").getPort();
            // About 3 s of rows, and about 13 s of rows, read as they come.
            RawHttp short_ = RawHttp.get(port, "/v1/datasets/slow/rows?limit=300&select=id");
            RawHttp long_ = RawHttp.get(port, "/v1/datasets/wide-paced/rows");
            assertThat(long_.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20))
                .until(() -> get(first.uri("/actuator/prometheus")).contains("sluice_stream_active 2.0"));
            CompletableFuture<Boolean> shortEnd = readToEnd(short_);
            CompletableFuture<Boolean> longEnd = readToEnd(long_);

            first.terminate();
            this.worker.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> !ready(first.uri("/actuator/health/readiness")));
            assertThat(shortEnd.get()).as("the short stream ends complete").isTrue();
            assertThat(short_.status()).isEqualTo(200);
            assertThat(short_.bodyBytes()).isEqualTo(expectedBytes("/v1/datasets/slow/rows?limit=300&select=id"));
            assertThat(longEnd.get()).as("the stream past the grace period is cut short").isFalse();
            assertThat(long_.bodyBytes()).isPositive();
            assertThat(first.awaitExit(Duration.ofSeconds(60))).isTrue();

            String status = await().atMost(Duration.ofSeconds(60))
                .until(() -> this.client.get()
                    .uri("/v1/exports/" + id)
                    .exchange()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody(), (body) -> "succeeded".equals(JsonPath.read(body, "$.state")));
            assertThat((Integer) JsonPath.read(status, "$.attempts")).isEqualTo(2);
            assertThat((Integer) JsonPath.read(status, "$.files[0].rows")).isEqualTo(1000);
            assertThat(exported() - exportedBefore).as("rows this replica exported").isEqualTo(1000);
            assertThat(Files.readString(logs.resolve("first.log"))).contains("Stream of slow ended completed")
                .contains("Stream of wide-paced ended shutdown");
        }
        finally {
            first.close();
            if (!this.worker.isRunning()) {
                this.worker.start();
            }
        }
    }

    private double exported() {
        Counter counter = this.registry.find("sluice.export.rows").tag("dataset", "slow").counter();
        return (counter != null) ? counter.count() : 0;
    }

    private long expectedBytes(String path) {
        return this.client.get().uri(path).exchange().expectBody(byte[].class).returnResult().getResponseBody().length;
    }

    private static CompletableFuture<Boolean> readToEnd(RawHttp stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readToEnd();
            }
            catch (IOException ex) {
                return false;
            }
        });
    }

    private boolean ready(URI uri) throws InterruptedException {
        try {
            return this.http
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.discarding())
                .statusCode() == 200;
        }
        catch (IOException ex) {
            return false; // no longer accepting connections
        }
    }

    private String post(URI uri, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return this.http.send(request, BodyHandlers.ofString()).body();
    }

    private String get(URI uri) throws Exception {
        return this.http
            .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString())
            .body();
    }

}
