package dev.sluice.catalog;

import java.util.List;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The catalog endpoints describe the configured datasets of application-test.yml. */
@IntegrationTest
class CatalogIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    CatalogProperties properties;

    @Test
    void listsEveryConfiguredDatasetByName() {
        List<DatasetDescription> datasets = this.client.get()
            .uri("/v1/datasets")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBodyList(DatasetDescription.class)
            .returnResult()
            .getResponseBody();
        assertThat(datasets).extracting(DatasetDescription::name)
            .containsExactlyElementsOf(this.properties.datasets().keySet().stream().sorted().toList())
            .containsSubsequence("big", "events", "pairs", "refunds", "restricted", "types");
        assertThat(datasets).allSatisfy((dataset) -> {
            assertThat(dataset.columns()).isNotEmpty().allSatisfy((column) -> {
                assertThat(column.name()).isNotBlank();
                assertThat(column.type()).isNotBlank();
            });
            assertThat(dataset.key()).isNotEmpty();
        });
        DatasetDescription refunds = datasets.stream().filter((d) -> d.name().equals("refunds")).findFirst().get();
        assertThat(refunds.columns()).containsExactly(new ColumnDescription("id", "bigint", true),
                new ColumnDescription("amount", "numeric(12,2)", true),
                new ColumnDescription("created_at", "timestamp with time zone", true));
        assertThat(refunds.key()).containsExactly("id");
    }

    @Test
    void describesADatasetWithColumnsInTableOrder() {
        DatasetDescription events = describe("events");
        assertThat(events.name()).isEqualTo("events");
        assertThat(events.columns()).extracting(ColumnDescription::name, ColumnDescription::type)
            .containsExactly(tuple("id", "bigint"), tuple("kind", "text"), tuple("amount", "numeric(12,2)"),
                    tuple("created_at", "timestamp with time zone"), tuple("flag", "boolean"),
                    tuple("payload", "jsonb"), tuple("note", "text"));
        assertThat(events.columns()).allMatch(ColumnDescription::filterable);
        assertThat(events.key()).containsExactly("id");
    }

    @Test
    void restrictedShowsOnlyItsColumnsAndFiltersOnlyItsFilterableOnes() {
        DatasetDescription restricted = describe("restricted");
        assertThat(restricted.columns()).containsExactly(new ColumnDescription("id", "bigint", false),
                new ColumnDescription("kind", "text", true), new ColumnDescription("amount", "numeric(12,2)", false),
                new ColumnDescription("created_at", "timestamp with time zone", true));
        assertThat(restricted.key()).containsExactly("id");
    }

    @Test
    void compositeKeyInKeyOrder() {
        DatasetDescription pairs = describe("pairs");
        assertThat(pairs.key()).containsExactly("tenant", "seq");
        assertThat(pairs.columns()).extracting(ColumnDescription::name).containsExactly("tenant", "seq", "label");
    }

    @Test
    void unknownDatasetIsA404Problem() {
        this.client.get()
            .uri("/v1/datasets/nope")
            .exchange()
            .expectStatus()
            .isNotFound()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.status")
            .isEqualTo(404)
            .jsonPath("$.title")
            .isEqualTo("Unknown dataset")
            .jsonPath("$.detail")
            .isEqualTo("There is no dataset named 'nope'. GET /v1/datasets lists the datasets.")
            .jsonPath("$.dataset")
            .isEqualTo("nope");
    }

    @Test
    void datasetNamesAreCaseSensitive() {
        this.client.get().uri("/v1/datasets/Events").exchange().expectStatus().isNotFound();
    }

    private DatasetDescription describe(String name) {
        return this.client.get()
            .uri("/v1/datasets/{name}", name)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(DatasetDescription.class)
            .returnResult()
            .getResponseBody();
    }

    record DatasetDescription(String name, List<ColumnDescription> columns, List<String> key) {
    }

    record ColumnDescription(String name, String type, boolean filterable) {
    }

}
