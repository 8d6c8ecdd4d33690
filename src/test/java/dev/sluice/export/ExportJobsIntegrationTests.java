package dev.sluice.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.PoolHealth;
import dev.sluice.TestDatabase;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job engine with local storage: idempotency, downloads with ranges, cancel, expiry,
 * history, events, and recovery when a worker dies mid-job.
 */
@IntegrationTest
class ExportJobsIntegrationTests {

    private static final Path EXPORTS = Path.of("target/test-exports");

    @Autowired
    private WebTestClient client;

    @Autowired
    private ExportWorker worker;

    @Autowired
    private ExportRunner runner;

    @Autowired
    private Expiry expiry;

    @Autowired
    private ConnectionFactory connectionFactory;

    private Exports exports() {
        return new Exports(this.client);
    }

    @Test
    void idempotencyKeyReturnsTheSameJob() {
        String body = "{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=5\"}]}";
        String first = submit(body, "key-" + System.nanoTime(), HttpStatus.ACCEPTED);
        String key = "key-" + System.nanoTime();
        String a = JsonPath.read(submit(body, key, HttpStatus.ACCEPTED), "$.id");
        String b = JsonPath.read(submit(body, key, HttpStatus.ACCEPTED), "$.id");
        assertThat(a).isEqualTo(b).isNotEqualTo(JsonPath.read(first, "$.id"));
        String other = submit("{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=6\"}]}", key,
                HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(other).contains(a).contains("different request");
    }

    private String submit(String body, String key, HttpStatus status) {
        return this.client.post()
            .uri("/v1/exports")
            .header("Idempotency-Key", key)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    @Test
    void filesAreAttachmentsSentAsStoredAndHeadReadsNone() {
        Exports exports = exports();
        String csv = exports.submit("{\"parts\": [{\"dataset\": \"pairs\"}], \"format\": \"csv\"}");
        String gzip = exports
            .submit("{\"parts\": [{\"dataset\": \"pairs\"}], \"format\": \"csv\", \"compression\": \"gzip\"}");
        exports.awaitSuccess(csv);
        exports.awaitSuccess(gzip);
        assertFile(csv, "pairs.csv", "text/csv;charset=utf-8;header=present");
        assertFile(gzip, "pairs.csv.gz", "application/gzip");
        assertFile(gzip, "manifest.json", "application/json");
    }

    private void assertFile(String id, String name, String type) {
        String uri = "/v1/exports/" + id + "/files/" + name;
        byte[] body = download(this.client.get().uri(uri), name, type)
            // The stored bytes, as their hash and ranges count them.
            .expectHeader()
            .doesNotExist("Content-Encoding")
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody();
        assertThat(body).isNotEmpty();
        download(this.client.head().uri(uri), name, type).expectHeader()
            .contentLength(body.length)
            .expectBody()
            .isEmpty();
    }

    // GET and HEAD of a file answer the same headers.
    private static WebTestClient.ResponseSpec download(WebTestClient.RequestHeadersSpec<?> request, String name,
            String type) {
        return request.header("Accept-Encoding", "gzip")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .valueEquals("Content-Type", type)
            .expectHeader()
            .valueEquals("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    @Test
    void rangesResumeADownload() {
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=3000\"}]}");
        String status = exports.awaitSuccess(id);
        byte[] whole = exports.download(id, "big.ndjson");
        String etag = "\"" + Exports.file(status, "big.ndjson").get("sha256") + "\"";
        String uri = "/v1/exports/" + id + "/files/big.ndjson";
        WebTestClient client = exports.client();
        byte[] tail = client.get()
            .uri(uri)
            .header("Range", "bytes=1000-")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.PARTIAL_CONTENT)
            .expectHeader()
            .valueEquals("Content-Range", "bytes 1000-" + (whole.length - 1) + "/" + whole.length)
            .expectHeader()
            .valueEquals("ETag", etag)
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody();
        assertThat(tail).isEqualTo(Arrays.copyOfRange(whole, 1000, whole.length));
        byte[] middle = client.get()
            .uri(uri)
            .header("Range", "bytes=10-19")
            .header("If-Range", etag)
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.PARTIAL_CONTENT)
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody();
        assertThat(middle).isEqualTo(Arrays.copyOfRange(whole, 10, 20));
        client.get()
            .uri(uri)
            .header("Range", "bytes=10-19")
            .header("If-Range", "\"other\"")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentLength(whole.length)
            .expectBody()
            .returnResult();
        this.client.get()
            .uri(uri)
            .header("Range", "bytes=" + whole.length + "-")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            .expectBody()
            .returnResult();
        this.client.get()
            .uri(uri)
            .header("If-None-Match", etag)
            .exchange()
            .expectStatus()
            .isNotModified()
            .expectBody()
            .returnResult();
        this.client.get()
            .uri("/v1/exports/" + id + "/files/other.ndjson")
            .exchange()
            .expectStatus()
            .isNotFound()
            .expectBody()
            .returnResult();
    }

    @Test
    void cancelStopsARunningJobAndDiscardsItsFiles() throws Exception {
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"events\"}, {\"dataset\": \"slow\"}]}");
        awaitRows(id, 1000);
        // An old job: pollers are told to wait longer.
        jdbc("UPDATE sluice_export SET created_at = now() - interval '200 seconds' WHERE id = '" + id + "'");
        this.client.get()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectHeader()
            .valueEquals("Retry-After", "20")
            .expectBody()
            .returnResult();
        long cancelledAt = System.nanoTime();
        this.client.delete()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody()
            .jsonPath("$.cancelRequested")
            .isEqualTo(true);
        String status = exports.awaitEnd(id, Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
        assertThat((String) JsonPath.read(status, "$.state")).isEqualTo("cancelled");
        assertThat(filesOf(id)).isEmpty();
        this.client.get()
            .uri("/v1/exports/" + id + "/files/events.ndjson")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.CONFLICT)
            .expectBody()
            .returnResult();
    }

    @Test
    void cancelOfAQueuedJobIsImmediate() throws Exception {
        Exports exports = exports();
        List<String> running = new ArrayList<>();
        // Fill the worker (two jobs at once), so the next one waits in the queue.
        for (int i = 0; i < this.runner.properties.concurrentJobs(); i++) {
            running.add(exports.submit("{\"parts\": [{\"dataset\": \"slow\"}]}"));
        }
        for (String id : running) {
            awaitState(id, "running");
        }
        String queued = exports.submit("{\"parts\": [{\"dataset\": \"events\"}]}");
        assertThat(exports.state(queued)).isEqualTo("queued");
        this.client.get()
            .uri("/v1/exports/" + queued)
            .exchange()
            .expectHeader()
            .valueEquals("Retry-After", "1")
            .expectBody()
            .returnResult();
        this.client.delete()
            .uri("/v1/exports/" + queued)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.state")
            .isEqualTo("cancelled");
        for (String id : running) {
            String cancelled = this.client.delete()
                .uri("/v1/exports/" + id)
                .exchange()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
            assertThat(cancelled).as(cancelled).contains("\"cancelRequested\":true");
        }
        for (String id : running) {
            assertThat((String) JsonPath.read(exports.awaitEnd(id, Duration.ofSeconds(30)), "$.state"))
                .isEqualTo("cancelled");
        }
    }

    @Test
    void finishedExportsExpire() throws Exception {
        Exports exports = exports();
        String deleted = exports.submit("{\"parts\": [{\"dataset\": \"events\"}]}");
        String aged = exports.submit("{\"parts\": [{\"dataset\": \"pairs\"}]}");
        exports.awaitSuccess(deleted);
        exports.awaitSuccess(aged);
        assertThat(filesOf(deleted)).containsExactlyInAnyOrder("events.ndjson", "manifest.json");
        this.client.delete()
            .uri("/v1/exports/" + deleted)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.state")
            .isEqualTo("expired");
        assertThat(filesOf(deleted)).isEmpty();
        this.client.get()
            .uri("/v1/exports/" + deleted + "/files/events.ndjson")
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.GONE)
            .expectBody()
            .returnResult();
        assertThat(exports.state(aged)).isEqualTo("succeeded");
        jdbc("UPDATE sluice_export SET expires_at = now() - interval '1 second' WHERE id = '" + aged + "'");
        assertThat(this.expiry.sweepNow().block()).isGreaterThanOrEqualTo(1);
        assertThat(exports.state(aged)).isEqualTo("expired");
        assertThat(filesOf(aged)).isEmpty();
    }

    @Test
    void aRepeatedDeleteNeverRewritesWhatHappened() throws Exception {
        Exports exports = exports();
        String succeeded = exports.submit("{\"parts\": [{\"dataset\": \"pairs\"}]}");
        String failed = exports.submit("{\"parts\": [{\"dataset\": \"wide-doomed\"}]}");
        String cancelled = exports.submit("{\"parts\": [{\"dataset\": \"slow\"}]}");
        assertThat(deleteState(cancelled)).isIn("cancelled", "running");
        assertThat((String) JsonPath.read(exports.awaitEnd(cancelled, Duration.ofSeconds(30)), "$.state"))
            .isEqualTo("cancelled");
        exports.awaitSuccess(succeeded);
        assertThat((String) JsonPath.read(exports.awaitEnd(failed, Duration.ofSeconds(60)), "$.state"))
            .isEqualTo("failed");
        for (int i = 0; i < 3; i++) {
            assertThat(deleteState(cancelled)).isEqualTo("cancelled");
            assertThat(deleteState(failed)).isEqualTo("failed");
            // A succeeded job's files are deleted: from then on it is expired.
            assertThat(deleteState(succeeded)).isEqualTo("expired");
            assertThat(filesOf(succeeded)).isEmpty();
        }
        // Nor does retention: the sweep deletes what is left and keeps the state.
        jdbc("UPDATE sluice_export SET expires_at = now() - interval '1 second' WHERE id IN ('" + cancelled + "', '"
                + failed + "')");
        this.expiry.sweepNow().block();
        assertThat(exports.state(cancelled)).isEqualTo("cancelled");
        assertThat(exports.state(failed)).isEqualTo("failed");
        assertThat(deleteState(cancelled)).isEqualTo("cancelled");
    }

    private String deleteState(String id) {
        String body = this.client.delete()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectStatus()
            .value((status) -> assertThat(status).isIn(200, 202))
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return JsonPath.read(body, "$.state");
    }

    @Test
    void historyIsNewestFirstFilteredAndPaged() {
        Exports exports = exports();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(exports.submit("{\"parts\": [{\"dataset\": \"refunds\", \"query\": \"limit=" + i + "\"}]}"));
        }
        ids.forEach(exports::awaitSuccess);
        String page = exports.get("/v1/exports?dataset=refunds&state=succeeded&limit=2");
        List<String> first = JsonPath.read(page, "$.exports[*].id");
        assertThat(first).containsExactly(ids.get(2), ids.get(1));
        String next = JsonPath.read(page, "$.next");
        String second = exports.get(next);
        assertThat((List<String>) JsonPath.read(second, "$.exports[*].id")).startsWith(ids.get(0));
        this.client.get()
            .uri("/v1/exports?state=done")
            .exchange()
            .expectStatus()
            .isBadRequest()
            .expectBody()
            .returnResult();
    }

    @Test
    void eventsFollowAJobToItsEnd() {
        Exports exports = exports();
        String id = exports.submit("{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=4000\"}]}");
        List<ServerSentEvent<String>> events = this.client.get()
            .uri("/v1/exports/" + id + "/events")
            .accept(MediaType.TEXT_EVENT_STREAM)
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
            })
            .getResponseBody()
            .collectList()
            .block(Duration.ofSeconds(60));
        assertThat(events).isNotEmpty();
        ServerSentEvent<String> last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("succeeded");
        assertThat((Integer) JsonPath.read(last.data(), "$.progress.rows")).isEqualTo(4000);
        assertThat(events.subList(0, events.size() - 1))
            .allSatisfy((event) -> assertThat(event.event()).isEqualTo("progress"));
    }

    @Test
    void anotherWorkerResumesAJobFromItsCheckpoint() throws Exception {
        Exports exports = exports();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(ExportRun.class)).addAppender(log);
        ExportWorker second = new ExportWorker(this.runner, this.expiry);
        try {
            String id = exports.submit("{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=30000\"}],"
                    + " \"format\": \"json\", \"compression\": \"gzip\", \"consistency\": \"none\"}");
            long checkpointed = awaitCheckpoint(id);
            this.worker.crash();
            second.start();
            String status = exports.awaitSuccess(id);
            assertThat((Integer) JsonPath.read(status, "$.attempts")).isEqualTo(2);
            byte[] gzip = exports.download(id, "big.json.gz");
            assertThat(ExportIntegrationTests.gunzip(gzip)).isEqualTo(exports.streamed("big", "limit=30000", "json"));
            // The hash spans both attempts' bytes.
            assertThat(Exports.file(status, "big.json.gz").get("sha256"))
                .isEqualTo(ExportIntegrationTests.sha256(gzip));
            assertThat(log.list).anySatisfy((event) -> assertThat(event.getFormattedMessage())
                .contains("Export " + id + " resumes big.json.gz after row"));
            long resumedAfter = log.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter((message) -> message.contains("Export " + id + " resumes"))
                .mapToLong((message) -> Long.parseLong(message.substring(message.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
            assertThat(resumedAfter).isGreaterThanOrEqualTo(checkpointed).isGreaterThan(0).isLessThan(30000);
        }
        finally {
            second.stop();
            this.worker.start();
            ((Logger) LoggerFactory.getLogger(ExportRun.class)).detachAppender(log);
        }
    }

    @Test
    void anotherWorkerStartsASnapshotJobOverFromANewSnapshot() throws Exception {
        Exports exports = exports();
        ExportWorker second = new ExportWorker(this.runner, this.expiry);
        try {
            String id = exports.submit("{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=30000\"}],"
                    + " \"compression\": \"gzip\"}");
            awaitCheckpoint(id);
            String firstSnapshot = query("SELECT snapshot_id FROM sluice_export WHERE id = '" + id + "'");
            this.worker.crash();
            second.start();
            String status = exports.awaitSuccess(id);
            assertThat((Integer) JsonPath.read(status, "$.attempts")).isEqualTo(2);
            assertThat((Integer) JsonPath.read(status, "$.restarts")).isEqualTo(1);
            assertThat((String) JsonPath.read(status, "$.restartReason"))
                .startsWith("Attempt 2 started over from a new snapshot");
            assertThat(query("SELECT snapshot_id FROM sluice_export WHERE id = '" + id + "'")).isNotNull()
                .isNotEqualTo(firstSnapshot);
            byte[] gzip = exports.download(id, "big.ndjson.gz");
            assertThat(ExportIntegrationTests.gunzip(gzip)).isEqualTo(exports.streamed("big", "limit=30000", "ndjson"));
            assertThat(Exports.file(status, "big.ndjson.gz").get("sha256"))
                .isEqualTo(ExportIntegrationTests.sha256(gzip));
            // The crashed run's snapshot went with it: no connection is still lent out.
            PoolHealth.assertHealthy(this.connectionFactory);
        }
        finally {
            second.stop();
            this.worker.start();
        }
    }

    @Test
    void twoWorkersNeverRunTheSameJob() throws Exception {
        Exports exports = exports();
        ExportWorker second = new ExportWorker(this.runner, this.expiry);
        second.start();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(exports.submit("{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=1500\"}]}"));
            }
            ids.forEach(exports::awaitSuccess);
            Set<String> workers = new HashSet<>();
            for (String id : ids) {
                assertThat((Integer) JsonPath.read(exports.status(id), "$.attempts")).isEqualTo(1);
                workers.add(query("SELECT worker FROM sluice_export WHERE id = '" + id + "'"));
            }
            assertThat(workers).contains(this.worker.replicaId(), second.replicaId());
        }
        finally {
            second.stop();
        }
    }

    private void awaitRows(String id, long rows) {
        await().atMost(Duration.ofSeconds(60))
            .until(() -> ((Number) JsonPath.read(exports().status(id), "$.progress.rows")).longValue() >= rows);
    }

    private void awaitState(String id, String state) {
        await().atMost(Duration.ofSeconds(60)).until(() -> exports().state(id).equals(state));
    }

    /** Waits for the export's first saved checkpoint; returns its rows. */
    static long awaitCheckpoint(String id) {
        String rows = await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> query("SELECT checkpoint->>'rows' FROM sluice_export_part WHERE export_id = '" + id + "'"),
                    Objects::nonNull);
        return Long.parseLong(rows);
    }

    static List<String> filesOf(String id) throws Exception {
        Path directory = EXPORTS.resolve(id);
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map((file) -> file.getFileName().toString()).toList();
        }
    }

    static void jdbc(String sql) throws Exception {
        try (Connection connection = TestDatabase.shared().jdbc(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static String query(String sql) throws Exception {
        try (Connection connection = TestDatabase.shared().jdbc();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        }
    }

}
