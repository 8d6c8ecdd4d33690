package dev.sluice.ingest;

import java.util.List;
import java.util.stream.Collectors;

import dev.sluice.IntegrationTest;
import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Column;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export, then import: every type and edge value of type_samples (the type-fidelity
 * table) exported as NDJSON and as CSV and imported into an empty copy of the table gives
 * the same rows, as PostgreSQL compares them ({@code EXCEPT} both ways).
 */
@IntegrationTest
class RoundTripIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    Catalog catalog;

    @BeforeEach
    void empty() {
        Imports.sql("TRUNCATE import_types");
    }

    @Test
    void csvRoundTripIsExact() {
        byte[] csv = export(Imports.CSV);
        Imports.Answer answer = Imports.post(this.client, "import-types", "", Imports.CSV, csv);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.number("inserted")).isEqualTo(6);
        assertThat(differences("type_samples", "import_types", false)).isEmpty();
        assertThat(differences("import_types", "type_samples", false)).isEmpty();
        // json keeps its original text through CSV, byte for byte.
        assertThat(Imports.rows("SELECT id FROM type_samples s JOIN import_types i USING (id) "
                + "WHERE s.c_json::text IS DISTINCT FROM i.c_json::text"))
            .isEmpty();
    }

    @Test
    void ndjsonRoundTripIsExactButForJsonNull() {
        byte[] ndjson = export(Imports.NDJSON);
        Imports.Answer answer = Imports.post(this.client, "import-types", "", Imports.NDJSON, ndjson);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.number("inserted")).isEqualTo(6);
        // The export writes SQL NULL and a json/jsonb value 'null' alike, as null (as
        // to_jsonb does); the import reads null as SQL NULL. That is the one difference.
        assertThat(differences("type_samples", "import_types", true)).isEmpty();
        assertThat(differences("import_types", "type_samples", true)).isEmpty();
        assertThat(differences("type_samples", "import_types", false)).singleElement()
            .satisfies((row) -> assertThat(row).startsWith("6|"));
    }

    @Test
    void ndjsonWithGzipAndUpsertOfTheSameRowsChangesNothing() {
        byte[] ndjson = export(Imports.NDJSON);
        Imports.post(this.client, "import-types", "", Imports.NDJSON, ndjson);
        Imports.Answer again = Imports.post(this.client, "import-types", "mode=upsert", Imports.NDJSON,
                Imports.gzip(ndjson), "Content-Encoding", "gzip");
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.number("updated")).isEqualTo(6);
        assertThat(again.number("inserted")).isZero();
        assertThat(differences("type_samples", "import_types", true)).isEmpty();
        assertThat(differences("import_types", "type_samples", true)).isEmpty();
    }

    // The conversion of JSON into arrays, composites and domains, and its check, are
    // written one way from PostgreSQL 17 and another before it: the same answers on each.
    @Test
    void jsonThatDoesNotFitItsColumnIsRejectedWithTheSameReasonOnEveryServer() {
        String body = """
                {"id": 1, "c_int_array": [1, null, 3], "c_composite": {"amount": 1.5, "currency": "EUR"}}
                {"id": 2, "c_int_array": ["x"]}
                {"id": 3, "c_int_array": "{1,2"}
                {"id": 4, "c_composite": {"amount": "lots"}}
                {"id": 5, "c_domain": -1, "c_varchar": "fits"}
                {"id": 6, "c_jsonb": {"a": [1, 2]}, "c_text_2d": [["a", "b"], ["c", "d"]], "c_int_array": "{4,5}"}
                """;
        Imports.Answer answer = Imports.post(this.client, "import-types", "onError=skip", Imports.NDJSON, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.errors()).containsExactly("2|c_int_array|the JSON value is not a valid integer[]",
                "3|c_int_array|the JSON value is not a valid integer[]",
                "4|c_composite|the JSON value is not a valid money_pair",
                "5|c_domain|value for domain positive_amount violates check constraint \"positive_amount_check\"");
        assertThat(Imports.rows("SELECT id || ' ' || coalesce(c_int_array::text, '-') || ' '"
                + " || coalesce(c_composite::text, '-') || ' ' || coalesce(c_text_2d::text, '-')"
                + " || ' ' || coalesce(c_jsonb::text, '-') FROM import_types ORDER BY id"))
            .containsExactly("1 {1,NULL,3} (1.5,EUR) - -", "6 {4,5} - {{a,b},{c,d}} {\"a\": [1, 2]}");
    }

    private byte[] export(MediaType type) {
        return this.client.get()
            .uri("/v1/datasets/types/rows")
            .accept(type)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    }

    // Rows of one table that the other lacks. Types without an equality operator are
    // compared by their text form (point) or as jsonb (json).
    private List<String> differences(String left, String right, boolean jsonNullIsNull) {
        List<Column> columns = this.catalog.dataset("types").columns();
        String select = columns.stream().map((column) -> {
            String name = column.identifier();
            return switch (column.baseType()) {
                case "json" -> jsonNullIsNull ? "NULLIF(" + name + "::jsonb, 'null')" : name + "::jsonb";
                case "jsonb" -> jsonNullIsNull ? "NULLIF(" + name + ", 'null')" : name;
                case "point" -> name + "::text";
                default -> name;
            };
        }).collect(Collectors.joining(", ", "SELECT ", " FROM "));
        return Imports.rows(select + left + " EXCEPT " + select + right);
    }

}
