package dev.sluice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

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
        String metrics = this.client.get()
            .uri("/actuator/prometheus")
            .accept(MediaType.TEXT_PLAIN)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
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
