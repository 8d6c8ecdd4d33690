package dev.sluice.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Import jobs write parents first: exports whose manifests list a table before the one it
 * references, imported into tables with those foreign keys.
 */
@IntegrationTest
class ImportOrderIntegrationTests {

    private static final Path STORAGE = Path.of("target", "test-exports");

    @Autowired
    private WebTestClient client;

    private Jobs jobs;

    @BeforeEach
    void emptyTargets() {
        this.jobs = new Jobs(this.client);
        Imports.sql("TRUNCATE job_order_items, job_orders, job_customers, job_people, job_teams");
    }

    @Test
    void aChainOfForeignKeysIsWrittenParentsFirstWhateverTheManifestOrder() throws IOException {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"order-items\"}, {\"dataset\": \"orders\"},"
                + " {\"dataset\": \"customers\"}], \"compression\": \"gzip\"}");
        assertThat(manifestDatasets(manifest)).containsExactly("order-items", "orders", "customers");
        JsonNode status = this.jobs.runImport("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"customers\":"
                + " \"job-customers\", \"orders\": \"job-orders\", \"order-items\": \"job-order-items\"}}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("succeeded");
        // The view lists the files in the order they were written.
        assertThat(fileTargets(status)).containsExactly("job-customers", "job-orders", "job-order-items");
        assertThat(status.get("progress").get("inserted").asLong()).isEqualTo(620);
        assertThat(Jobs.difference("customers", "job_customers")).isEmpty();
        assertThat(Jobs.difference("orders", "job_orders")).isEmpty();
        assertThat(Jobs.difference("order_items", "job_order_items")).isEmpty();
        // Items of a bundle reference items of the same file: no order there.
        assertThat(Imports.rows("SELECT count(*) FROM job_order_items WHERE bundle_id IS NOT NULL"))
            .containsExactly("200");
    }

    @Test
    void aDeferredForeignKeyImposesNoOrderSoItBreaksACycle() throws IOException {
        // people.team_id references teams; teams.lead_id references people, checked at
        // commit. Written in the manifest's order, people would fail on the first.
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"people\"}, {\"dataset\": \"teams\"}]}");
        assertThat(manifestDatasets(manifest)).containsExactly("people", "teams");
        JsonNode status = this.jobs.runImport("{\"manifest\": \"" + manifest
                + "\", \"datasets\": {\"people\": \"job-people\", \"teams\": \"job-teams\"}}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("succeeded");
        assertThat(fileTargets(status)).containsExactly("job-teams", "job-people");
        assertThat(Jobs.difference("teams", "job_teams")).isEmpty();
        assertThat(Jobs.difference("people", "job_people")).isEmpty();
    }

    private static List<String> manifestDatasets(String manifest) throws IOException {
        JsonNode files = JsonMapper.builder()
            .build()
            .readTree(Files.readString(STORAGE.resolve(manifest)))
            .get("files");
        List<String> datasets = new ArrayList<>();
        files.forEach((file) -> datasets.add(file.get("dataset").asString()));
        return datasets;
    }

    private static List<String> fileTargets(JsonNode status) {
        List<String> targets = new ArrayList<>();
        status.get("progress").get("files").forEach((file) -> targets.add(file.get("target").asString()));
        return targets;
    }

}
