package dev.sluice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The actuator on the main port: probes, the build version, Prometheus metrics, and
 * nothing else.
 */
@IntegrationTest
class ActuatorIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    MeterRegistry registry;

    @Test
    void livenessAndReadinessAreUpAndReadinessChecksTheDatabaseAndStorage() {
        this.client.get()
            .uri("/actuator/health/liveness")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.status")
            .isEqualTo("UP");
        this.client.get()
            .uri("/actuator/health/readiness")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.status")
            .isEqualTo("UP")
            .jsonPath("$.components.r2dbc.status")
            .isEqualTo("UP")
            .jsonPath("$.components.storage.status")
            .isEqualTo("UP")
            .jsonPath("$.components.readinessState.status")
            .isEqualTo("UP");
    }

    @Test
    void infoShowsTheBuildVersionOfThePom() throws Exception {
        this.client.get()
            .uri("/actuator/info")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.build.version")
            .isEqualTo(pomVersion())
            .jsonPath("$.build.artifact")
            .isEqualTo("sluice");
    }

    @Test
    void prometheusServesTheStreamAndPoolMetrics() {
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=3")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .value((body) -> assertThat(body).hasLineCount(3));
        String metrics = prometheus();
        assertThat(metrics).contains("r2dbc_pool_acquired_connections", "sluice_stream_active ",
                "sluice_stream_rows_total{dataset=\"events\"}", "sluice_stream_bytes_total{dataset=\"events\"}",
                "sluice_stream_duration_seconds_count{dataset=\"events\",outcome=\"completed\"}",
                "sluice_jobs_running{type=\"export\"}", "sluice_jobs_running{type=\"import\"}");
    }

    @Test
    void importedRowsAreCountedPerDatasetAndDryRunsAreNot() throws Exception {
        double before = importedRows();
        try {
            for (String query : new String[] { "?dryRun=true", "" }) {
                this.client.post()
                    .uri("/v1/datasets/import-loose/rows" + query)
                    .contentType(MediaType.parseMediaType("application/x-ndjson"))
                    .bodyValue("{\"id\": 1, \"label\": \"a\"}\n{\"id\": 2, \"label\": \"b\"}\n")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.written")
                    .isEqualTo(2);
            }
            assertThat(importedRows() - before).isEqualTo(2);
        }
        finally {
            try (Connection connection = TestDatabase.shared().jdbc();
                    Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE import_loose");
            }
        }
    }

    @Test
    void jobsByStateAreTheJobTablesCounts() throws Exception {
        String id = JsonPath.read(this.client.post()
            .uri("/v1/exports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=5\"}]}")
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody(), "$.id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(jobState("sluice_export", id)));
        // Counted every second in the test profile: the gauges catch up with the tables.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Long> tables = new HashMap<>();
            tables.putAll(countsByState("export", "sluice_export"));
            tables.putAll(countsByState("import", "sluice_import"));
            for (String type : new String[] { "export", "import" }) {
                for (String state : new String[] { "queued", "running", "succeeded", "failed", "cancelled" }) {
                    Gauge gauge = this.registry.find("sluice.jobs").tag("type", type).tag("state", state).gauge();
                    assertThat(gauge).as(type + " " + state).isNotNull();
                    assertThat((long) gauge.value()).as(type + " " + state)
                        .isEqualTo(tables.getOrDefault(type + "/" + state, 0L));
                }
            }
            assertThat(tables.get("export/succeeded")).isPositive();
        });
        assertThat(prometheus()).contains("sluice_jobs{state=\"succeeded\",type=\"export\"}");
    }

    private String prometheus() {
        return this.client.get()
            .uri("/actuator/prometheus")
            .accept(MediaType.TEXT_PLAIN)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    private static String jobState(String table, String id) throws Exception {
        try (Connection connection = TestDatabase.shared().jdbc();
                PreparedStatement statement = connection
                    .prepareStatement("SELECT state FROM " + table + " WHERE id = CAST(? AS uuid)")) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static Map<String, Long> countsByState(String type, String table) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (Connection connection = TestDatabase.shared().jdbc();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT state, count(*) FROM " + table + " GROUP BY state")) {
            while (rows.next()) {
                counts.put(type + "/" + rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private double importedRows() {
        Counter counter = this.registry.find("sluice.import.rows").tag("dataset", "import-loose").counter();
        return (counter != null) ? counter.count() : 0;
    }

    @Test
    void nothingElseIsExposed() {
        for (String path : new String[] { "/actuator/env", "/actuator/beans", "/actuator/configprops",
                "/actuator/metrics", "/actuator/loggers", "/actuator/heapdump", "/actuator/threaddump",
                "/actuator/mappings", "/actuator/shutdown" }) {
            this.client.get().uri(path).exchange().expectStatus().isNotFound().expectBody(String.class).returnResult();
        }
        this.client.get()
            .uri("/actuator")
            .exchange()
            .expectBody()
            .jsonPath("$._links.length()")
            .value((Integer count) -> assertThat(count).isLessThanOrEqualTo(6))
            .jsonPath("$._links.env")
            .doesNotExist()
            .jsonPath("$._links.prometheus")
            .exists();
    }

    // The version the build wrote into build-info, read from the pom rather than
    // repeated.
    private static String pomVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>sluice</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).isTrue();
        return version.group(1);
    }

}
