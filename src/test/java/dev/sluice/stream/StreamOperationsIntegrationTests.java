package dev.sluice.stream;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.PoolHealth;
import dev.sluice.RawHttp;
import dev.sluice.ResponseBytes;
import dev.sluice.TestDatabaseInitializer;
import dev.sluice.database.DatabaseUnavailableException;
import dev.sluice.database.RowReader;
import dev.sluice.database.Transactions;
import dev.sluice.query.SqlQuery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Stream limits, the idle cutoff, stream metrics and the stream-end log line, on a server
 * with small limits: 3 streams per replica, 2 per caller, 2 s idle timeout. Callers are
 * named by a test header (security is off in the test profile).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "sluice.limits.max-streams=3", "sluice.limits.max-streams-per-caller=2",
                "sluice.limits.idle-timeout=2s", "sluice.limits.retry-after=7s",
                "sluice.database.statement-timeout=8s" })
@AutoConfigureWebTestClient
@ActiveProfiles("test")
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@Import({ ResponseBytes.class, StreamOperationsIntegrationTests.Callers.class })
class StreamOperationsIntegrationTests {

    static final String CALLER = "X-Test-Caller";

    @Autowired
    WebTestClient client;

    @Autowired
    MeterRegistry registry;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    StreamLimits limits;

    @Autowired
    RowReader reader;

    @Autowired
    Transactions transactions;

    @Autowired
    StreamShutdown shutdown;

    @Autowired
    ApplicationContext context;

    @LocalServerPort
    int port;

    private final List<RawHttp> held = new ArrayList<>();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void recordLog() {
        this.log.start();
        ((Logger) LoggerFactory.getLogger(StreamMetrics.class)).addAppender(this.log);
    }

    @AfterEach
    void release() throws Exception {
        ((Logger) LoggerFactory.getLogger(StreamMetrics.class)).detachAppender(this.log);
        abortHeld();
        await().atMost(Duration.ofSeconds(30)).until(() -> this.limits.active() == 0);
    }

    private void abortHeld() throws Exception {
        for (RawHttp stream : this.held) {
            stream.abort();
        }
        this.held.clear();
    }

    @Test
    void pastTheCallersAndTheReplicasLimitStreamsAre429WithRetryAfterAndPlacesComeBack() throws Exception {
        hold("alice");
        hold("alice");
        await().atMost(Duration.ofSeconds(20)).until(() -> this.limits.active() == 2);
        refused("alice").jsonPath("$.detail")
            .value((String detail) -> assertThat(detail).contains("max-streams-per-caller"));
        hold("bob");
        await().atMost(Duration.ofSeconds(20)).until(() -> this.limits.active() == 3);
        refused("carol").jsonPath("$.detail")
            .value((String detail) -> assertThat(detail).contains("sluice.limits.max-streams)"));
        assertThat(this.registry.get("sluice.stream.refused").tag("limit", "caller").counter().count()).isEqualTo(1);
        assertThat(this.registry.get("sluice.stream.refused").tag("limit", "replica").counter().count()).isEqualTo(1);
        assertThat(this.registry.get("sluice.stream.active").gauge().value()).isEqualTo(3);
        // The refused requests took no place: once the held streams end, everyone streams
        // again.
        abortHeld();
        await().atMost(Duration.ofSeconds(30)).until(() -> this.limits.active() == 0);
        for (String caller : List.of("alice", "alice", "carol")) {
            rows(caller, "/v1/datasets/events/rows?limit=2").value((body) -> assertThat(body).hasLineCount(2));
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAndItsConnectionReleased() throws Exception {
        long cutBefore = count("wide", "idle_cutoff");
        RawHttp stalled = hold("dave", "/v1/datasets/wide/rows");
        assertThat(stalled.status()).isEqualTo(200);
        assertThat(stalled.read(100_000)).isEqualTo(100_000);
        // The stream's backend is the one busy with a query on the table: other test
        // contexts share the database, and their pools keep idle backends that may have
        // run one on it before.
        List<Session> busy = sessionsOn("wide_rows").stream().filter((session) -> !session.idle()).toList();
        assertThat(busy).hasSize(1);
        int backend = busy.get(0).pid();
        // Stop reading: the socket fills, the server stops being asked for chunks, and
        // two seconds later cuts the connection.
        await().atMost(Duration.ofSeconds(30)).until(() -> count("wide", "idle_cutoff") == cutBefore + 1);
        assertThat(stalled.readToEnd()).as("ended without the terminating chunk").isFalse();
        assertThat(stalled.bodyBytes()).isLessThan(12000L * 2100);
        await().atMost(Duration.ofSeconds(20)).until(() -> this.limits.active() == 0);
        PoolHealth.assertHealthy(this.connectionFactory);
        // The stream's place is free at once; its connection is discarded in the
        // background (cancel request, drain, close), so its backend goes a moment later.
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(sessionsOn("wide_rows")).noneMatch((session) -> session.pid() == backend));
        ILoggingEvent end = streamEnd("wide");
        assertThat(end.getKeyValuePairs()).anySatisfy((pair) -> {
            assertThat(pair.key).isEqualTo("outcome");
            assertThat(pair.value).isEqualTo("idle_cutoff");
        });
    }

    @Test
    void aSlowDatabaseIsNotAnIdleClient() throws Exception {
        // 300 rows at 10 ms each: longer than the idle timeout, with the client waiting.
        try (RawHttp slow = RawHttp.get(this.port, "/v1/datasets/slow/rows?limit=300&select=id")) {
            assertThat(slow.status()).isEqualTo(200);
            assertThat(slow.readToEnd()).isTrue();
        }
        assertThat(count("slow", "completed")).isGreaterThanOrEqualTo(1);
        assertThat(count("slow", "idle_cutoff")).isZero();
    }

    @Test
    void aStreamCountsItsRowsAndBytesAndLogsItsEndWithTheRequestId() {
        double rowsBefore = counter("sluice.stream.rows", "events");
        double bytesBefore = counter("sluice.stream.bytes", "events");
        long completedBefore = count("events", "completed");
        byte[] body = this.client.get()
            .uri("/v1/datasets/events/rows?limit=7")
            .header("X-Request-Id", "trace-42.a:b_c")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .valueEquals("X-Request-Id", "trace-42.a:b_c")
            .expectBody()
            .returnResult()
            .getResponseBody();
        assertThat(counter("sluice.stream.rows", "events") - rowsBefore).isEqualTo(7);
        assertThat(counter("sluice.stream.bytes", "events") - bytesBefore).isEqualTo(body.length);
        // The stream's end is recorded as it finishes on the server, which may be just
        // after the client has read the last byte.
        await().atMost(Duration.ofSeconds(10)).until(() -> count("events", "completed") > completedBefore);
        ILoggingEvent end = streamEndOfRequest("trace-42.a:b_c");
        assertThat(end.getFormattedMessage()).startsWith("Stream of events ended completed");
        assertThat(end.getKeyValuePairs()).extracting((pair) -> pair.key + "=" + pair.value)
            .contains("dataset=events", "rows=7", "bytes=" + body.length, "outcome=completed");
        // Only figures, never the rows themselves.
        assertThat(end.getFormattedMessage()).doesNotContain("click", "refund", "view");
    }

    @Test
    void queriesHaveTheStatementTimeoutAndImportTransactionsNone() {
        assertThat(this.reader
            .read(List.of(), new SqlQuery("SHOW statement_timeout", List.of()), 0, (row) -> row.get(0, String.class))
            .blockFirst(Duration.ofSeconds(10))).isEqualTo("8s");
        assertThat(this.transactions
            .run((connection) -> Mono.from(connection.createStatement("SHOW statement_timeout").execute())
                .flatMap((result) -> Mono.from(result.map((row, meta) -> row.get(0, String.class)))), (any) -> false)
            .block(Duration.ofSeconds(10))).isEqualTo("0");
        // A round trip past the timeout is cancelled by PostgreSQL: a 503 that says why.
        assertThatThrownBy(
                () -> this.reader.read(List.of(), new SqlQuery("SELECT pg_sleep(12)", List.of()), 0, (row) -> "slept")
                    .blockLast(Duration.ofSeconds(30)))
            .isInstanceOf(DatabaseUnavailableException.class)
            .hasMessageContaining("sluice.database.statement-timeout");
        PoolHealth.assertHealthy(this.connectionFactory);
    }

    @Test
    void anUnfitRequestIdIsReplaced() {
        for (String unfit : List.of("x".repeat(65), "two words", "a\u00e9b", "")) {
            String id = this.client.get()
                .uri("/v1/datasets")
                .header("X-Request-Id", unfit)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseHeaders()
                .getFirst("X-Request-Id");
            assertThat(id).isNotEqualTo(unfit).matches("[0-9a-f-]{36}");
        }
    }

    private RawHttp hold(String caller) throws Exception {
        return hold(caller, "/v1/datasets/slow/rows?select=id");
    }

    // A stream that the client opens and does not read from (slow: it stays open for
    // seconds, and is asked for rows all the while, so the idle cutoff leaves it alone).
    private RawHttp hold(String caller, String path) throws Exception {
        RawHttp stream = RawHttp.get(this.port, path, Map.of(CALLER, caller));
        this.held.add(stream);
        return stream;
    }

    @Test
    void onceShutdownBeginsANewStreamIs503WithRetryAfter() {
        // What the close of the context signals first; start() is what a resumed test
        // context calls.
        this.shutdown.onApplicationEvent(new ContextClosedEvent(this.context));
        try {
            this.client.get()
                .uri("/v1/datasets/events/rows?limit=2")
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals("Retry-After", "1")
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Shutting down")
                .jsonPath("$.detail")
                .value((String detail) -> assertThat(detail).contains("another replica"));
        }
        finally {
            this.shutdown.start();
        }
        // Every body is read to its end: one left unread leaks its buffers in the client.
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=2")
            .accept(MediaType.parseMediaType("application/x-ndjson"))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .value((body) -> assertThat(body.lines()).hasSize(2));
    }

    private WebTestClient.BodyContentSpec refused(String caller) {
        return this.client.get()
            .uri("/v1/datasets/events/rows?limit=2")
            .header(CALLER, caller)
            .exchange()
            .expectStatus()
            .isEqualTo(429)
            .expectHeader()
            .valueEquals("Retry-After", "7")
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.title")
            .isEqualTo("Too many streams");
    }

    private WebTestClient.BodySpec<String, ?> rows(String caller, String path) {
        return this.client.get()
            .uri(path)
            .header(CALLER, caller)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class);
    }

    private long count(String dataset, String outcome) {
        Timer timer = this.registry.find("sluice.stream.duration")
            .tag("dataset", dataset)
            .tag("outcome", outcome)
            .timer();
        return (timer != null) ? timer.count() : 0;
    }

    private double counter(String name, String dataset) {
        var counter = this.registry.find(name).tag("dataset", dataset).counter();
        return (counter != null) ? counter.count() : 0;
    }

    // Appended to on the server's threads, under the appender's lock.
    private List<ILoggingEvent> logged() {
        synchronized (this.log) {
            return new ArrayList<>(this.log.list);
        }
    }

    private ILoggingEvent streamEndOfRequest(String requestId) {
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> logged().stream()
                .filter((event) -> requestId.equals(event.getMDCPropertyMap().get("requestId")))
                .filter((event) -> event.getFormattedMessage().startsWith("Stream of "))
                .findFirst(), Optional::isPresent)
            .orElseThrow();
    }

    private ILoggingEvent streamEnd(String dataset) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> logged().stream()
                .anyMatch((event) -> event.getFormattedMessage().startsWith("Stream of " + dataset + " ")));
        return logged().stream()
            .filter((event) -> event.getFormattedMessage().startsWith("Stream of " + dataset + " "))
            .reduce((first, second) -> second)
            .orElseThrow();
    }

    /** The backends whose current or last query names the table. */
    private List<Session> sessionsOn(String table) {
        return Flux.usingWhen(this.connectionFactory.create(),
                (connection) -> Flux
                    .from(connection
                        .createStatement("SELECT pid, state, coalesce(wait_event, '') AS wait FROM pg_stat_activity"
                                + " WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()")
                        .bind("$1", table)
                        .execute())
                    .flatMap((result) -> result.map((row, meta) -> new Session(row.get("pid", Integer.class),
                            row.get("state", String.class), row.get("wait", String.class)))),
                (connection) -> connection.close())
            .collectList()
            .block(Duration.ofSeconds(10));
    }

    record Session(int pid, String state, String waitEvent) {

        boolean idle() {
            return "idle".equals(this.state);
        }

    }

    /** Names the caller after a test header, as authentication would. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Callers {

        @Bean
        WebFilter testCallers() {
            return (exchange, chain) -> {
                String caller = exchange.getRequest().getHeaders().getFirst(CALLER);
                if (caller == null) {
                    return chain.filter(exchange);
                }
                Principal principal = () -> caller;
                return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
            };
        }

    }

}
