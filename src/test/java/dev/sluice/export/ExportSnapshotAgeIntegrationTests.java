package dev.sluice.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.storage.LocalStorage;
import dev.sluice.storage.StorageProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.sluice.export.ExportJobsIntegrationTests.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A held snapshot keeps vacuum from removing dead rows, so its age is bounded: a job that
 * holds one longer than {@code sluice.exports.snapshot-max-age} fails, and says why.
 */
@IntegrationTest
@Import(ExportSnapshotAgeIntegrationTests.Gated.class)
@TestPropertySource(properties = "sluice.exports.snapshot-max-age=2s")
class ExportSnapshotAgeIntegrationTests {

    @Autowired
    private WebTestClient client;

    @Autowired
    private GatedStorage storage;

    @Autowired
    private MeterRegistry metrics;

    @Test
    void aSnapshotHeldTooLongFailsTheJobAndLeavesNoFiles() throws Exception {
        Exports exports = new Exports(this.client);
        GatedStorage.Gate gate = this.storage.close("/snapshot-orders.ndjson");
        String id = exports.submit("""
                {"parts": [{"dataset": "snapshot-orders"}, {"dataset": "snapshot-items"}]}""");
        gate.awaitArrival();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> this.metrics.get("sluice.export.snapshot.age").gauge().value() > 2.5);
        gate.open();
        String status = exports.awaitEnd(id, Duration.ofMinutes(1));

        assertThat((String) JsonPath.read(status, "$.state")).isEqualTo("failed");
        assertThat((Integer) JsonPath.read(status, "$.attempts")).isEqualTo(1);
        assertThat((String) JsonPath.read(status, "$.error")).contains("sluice.exports.snapshot-max-age (PT2S)")
            .contains("\"consistency\": \"none\"");
        assertThat(ExportJobsIntegrationTests.filesOf(id)).isEmpty();
        assertThat(Files.exists(Path.of("target/test-exports", id, "snapshot-orders.ndjson"))).isFalse();
        assertThat(query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice export " + id + "'"))
            .isEqualTo("0");
        assertThat(this.metrics.get("sluice.export.snapshot.age").gauge().value()).isZero();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Gated {

        @Bean
        @Primary
        GatedStorage gatedStorage(StorageProperties properties) {
            return new GatedStorage(new LocalStorage(properties.local()), "local-snapshot-age-tests");
        }

    }

}
