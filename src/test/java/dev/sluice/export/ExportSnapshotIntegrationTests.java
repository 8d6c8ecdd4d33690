package dev.sluice.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.storage.LocalStorage;
import dev.sluice.storage.Storage;
import dev.sluice.storage.StorageProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.sluice.export.ExportJobsIntegrationTests.jdbc;
import static dev.sluice.export.ExportJobsIntegrationTests.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An export of orders and their items while the application keeps writing: a new order
 * and its items are committed after the orders file is written and before the items file
 * starts. With one snapshot the items file has none of them; read part by part it has
 * items whose order the orders file lacks.
 */
@IntegrationTest
@Import(ExportSnapshotIntegrationTests.Gated.class)
class ExportSnapshotIntegrationTests {

    private static final String PARTS = """
            "parts": [{"dataset": "snapshot-orders"}, {"dataset": "snapshot-items"}]""";

    @Autowired
    private WebTestClient client;

    @Autowired
    private GatedStorage storage;

    @Autowired
    private MeterRegistry metrics;

    @Test
    void everyPartReadsTheSnapshotTakenWhenTheJobStarted() throws Exception {
        Exports exports = new Exports(this.client);
        LateOrder late = exportWhileAnOrderArrives(exports, "{" + PARTS + "}",
                (id) -> assertThat(heldSnapshotAge()).as("the age of the snapshot held meanwhile").isGreaterThan(0));
        String id = late.id();
        long order = late.order();
        String status = late.status();

        Set<Long> orders = ids(exports.download(id, "snapshot-orders.ndjson"), "id");
        Set<Long> ordersOfItems = ids(exports.download(id, "snapshot-items.ndjson"), "order_id");
        assertThat(orders).doesNotContain(order);
        assertThat(orders).containsAll(ordersOfItems).doesNotContain(order);
        assertThat(ordersOfItems).doesNotContain(order);
        assertThat(heldSnapshotAge()).as("no snapshot is held after the job").isZero();

        assertThat((String) JsonPath.read(status, "$.consistency")).isEqualTo("snapshot");
        assertThat((Integer) JsonPath.read(status, "$.restarts")).isZero();
        String manifest = new String(exports.download(id, "manifest.json"), StandardCharsets.UTF_8);
        assertThat((String) JsonPath.read(manifest, "$.export.consistency")).isEqualTo("snapshot");
        assertThat((String) JsonPath.read(manifest, "$.export.snapshot.takenAt"))
            .isEqualTo(JsonPath.read(status, "$.snapshot.takenAt"));
        // xmin:xmax:xip-list, and a WAL position such as 0/1A2B3C4D.
        assertThat((String) JsonPath.read(manifest, "$.export.snapshot.position")).matches("\\d+:\\d+:[\\d,]*");
        assertThat((String) JsonPath.read(manifest, "$.export.snapshot.lsn")).matches("[0-9A-F]+/[0-9A-F]+");
    }

    @Test
    void withoutASnapshotEachPartReadsItsOwnMoment() throws Exception {
        Exports exports = new Exports(this.client);
        LateOrder late = exportWhileAnOrderArrives(exports, "{" + PARTS + ", \"consistency\": \"none\"}",
                (id) -> assertThat(heldSnapshotAge()).isZero());
        String id = late.id();
        long order = late.order();
        String status = late.status();

        Set<Long> orders = ids(exports.download(id, "snapshot-orders.ndjson"), "id");
        Set<Long> ordersOfItems = ids(exports.download(id, "snapshot-items.ndjson"), "order_id");
        assertThat(orders).doesNotContain(order);
        assertThat(ordersOfItems).as("items whose order the orders file lacks").contains(order);
        assertThat((String) JsonPath.read(status, "$.consistency")).isEqualTo("none");
        String manifest = new String(exports.download(id, "manifest.json"), StandardCharsets.UTF_8);
        assertThat((String) JsonPath.read(manifest, "$.export.consistency")).isEqualTo("none");
        assertThat(manifest).doesNotContain("\"snapshot\"");
    }

    @Test
    void aLostSnapshotStartsTheJobOverFromANewOne() throws Exception {
        Exports exports = new Exports(this.client);
        List<String> firstSnapshot = new ArrayList<>();
        LateOrder late = exportWhileAnOrderArrives(exports, "{" + PARTS + "}", (id) -> {
            firstSnapshot.add(query("SELECT snapshot_taken_at::text FROM sluice_export WHERE id = '" + id + "'"));
            // The session that holds the job's snapshot ends, as when its replica dies.
            assertThat(query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = 'sluice export " + id + "'"))
                .isEqualTo("1");
        });
        String id = late.id();
        long order = late.order();
        String status = late.status();

        assertThat((Integer) JsonPath.read(status, "$.attempts")).isEqualTo(2);
        assertThat((Integer) JsonPath.read(status, "$.restarts")).isEqualTo(1);
        assertThat((String) JsonPath.read(status, "$.restartReason"))
            .startsWith("Attempt 2 started over from a new snapshot")
            .contains("is gone: the transaction that held it has ended");
        assertThat(query("SELECT snapshot_taken_at::text FROM sluice_export WHERE id = '" + id + "'"))
            .isNotEqualTo(firstSnapshot.get(0));
        // Both files are of the new snapshot, which sees the new order and its items.
        byte[] orders = exports.download(id, "snapshot-orders.ndjson");
        byte[] items = exports.download(id, "snapshot-items.ndjson");
        assertThat(ids(orders, "id")).contains(order).containsAll(ids(items, "order_id"));
        assertThat(ids(items, "order_id")).contains(order);
        assertThat(orders).isEqualTo(exports.streamed("snapshot-orders", "", "ndjson"));
        assertThat(items).isEqualTo(exports.streamed("snapshot-items", "", "ndjson"));
        assertThat(Exports.file(status, "snapshot-items.ndjson").get("sha256"))
            .isEqualTo(ExportIntegrationTests.sha256(items));
    }

    /**
     * Submits the export and, once its orders file is written and before its items file
     * starts, commits a new order with its items, then runs {@code atGate}; waits for
     * success.
     */
    private LateOrder exportWhileAnOrderArrives(Exports exports, String request, AtGate atGate) throws Exception {
        GatedStorage.Gate gate = this.storage.close("/snapshot-items.ndjson");
        String id = exports.submit(request);
        gate.awaitArrival();
        long order = insertOrderWithItems();
        atGate.run(id);
        gate.open();
        return new LateOrder(id, order, exports.awaitSuccess(id));
    }

    private record LateOrder(String id, long order, String status) {
    }

    private interface AtGate {

        void run(String id) throws Exception;

    }

    private double heldSnapshotAge() {
        return this.metrics.get("sluice.export.snapshot.age").gauge().value();
    }

    // A new order and its two items, in one transaction: returns the order's id.
    private static long insertOrderWithItems() throws Exception {
        long order = Long.parseLong(query("SELECT max(id) + 1 FROM snapshot_orders"));
        jdbc("BEGIN; INSERT INTO snapshot_orders VALUES (" + order + ", 'late customer');"
                + " INSERT INTO snapshot_items SELECT max(id) + g, " + order + ", 'late sku'"
                + " FROM snapshot_items, generate_series(1, 2) g GROUP BY g; COMMIT;");
        return order;
    }

    private static Set<Long> ids(byte[] ndjson, String field) {
        String text = new String(ndjson, StandardCharsets.UTF_8);
        List<String> lines = Arrays.stream(text.split("\n")).filter((line) -> !line.isEmpty()).toList();
        return lines.stream()
            .map((line) -> ((Number) JsonPath.read(line, "$." + field)).longValue())
            .collect(Collectors.toSet());
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Gated {

        @Bean
        @Primary
        GatedStorage gatedStorage(StorageProperties properties) {
            return new GatedStorage(new LocalStorage(properties.local()), "local-snapshot-tests");
        }

    }

}
