package dev.sluice.encode;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import dev.sluice.Csv;
import dev.sluice.IntegrationTest;
import dev.sluice.TestDatabase;
import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Column;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value of every type in type_samples, as Sluice streams it, against what
 * PostgreSQL itself writes for the same row: {@code to_jsonb()} for NDJSON and JSON, byte
 * for byte, and {@code COPY ... (FORMAT csv)} for CSV.
 */
@IntegrationTest
class TypeFidelityIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    DatabaseClient database;

    @Autowired
    Catalog catalog;

    @Test
    void ndjsonValuesAreExactlyWhatToJsonbWrites() {
        List<String> expected = expectedObjects();
        String body = get("/v1/datasets/types/rows", MediaType.APPLICATION_NDJSON);
        assertThat(body).endsWith("\n");
        List<String> lines = List.of(body.split("\n"));
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).as("row %d", i + 1).isEqualTo(expected.get(i));
        }
    }

    @Test
    void jsonArrayHoldsTheSameObjects() {
        String body = get("/v1/datasets/types/rows", MediaType.APPLICATION_JSON);
        assertThat(body).isEqualTo("[" + String.join(",", expectedObjects()) + "]\n");
    }

    @Test
    void csvFieldsAreWhatCopyWrites() throws SQLException {
        String body = get("/v1/datasets/types/rows", new MediaType("text", "csv"));
        assertThat(body).contains("\r\n");
        List<List<String>> ours = Csv.parse(body);
        List<List<String>> copy = Csv.parse(copyCsv());
        assertThat(ours).hasSize(copy.size());
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.get(i)).as("record %d", i).containsExactlyElementsOf(copy.get(i));
        }
    }

    private String get(String uri, MediaType accept) {
        return this.client.get()
            .uri(uri)
            .accept(accept)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith(accept)
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    // Each expected object is built from to_jsonb(column)::text on the server's own
    // connection pool, so the session
    // settings (time zone, styles) are the ones the stream used.
    private List<String> expectedObjects() {
        List<Column> columns = this.catalog.dataset("types").columns();
        String sql = columns.stream()
            .map((column) -> "pg_catalog.to_jsonb(" + column.identifier() + ")::text")
            .collect(Collectors.joining(", ", "SELECT ", " FROM type_samples ORDER BY id"));
        return this.database.sql(sql).map((row) -> {
            StringBuilder object = new StringBuilder("{");
            for (int i = 0; i < columns.size(); i++) {
                String value = row.get(i, String.class);
                object.append((i > 0) ? "," : "")
                    .append('"')
                    .append(columns.get(i).name())
                    .append("\":")
                    .append((value != null) ? value : "null");
            }
            return object.append('}').toString();
        }).all().collectList().block();
    }

    private String copyCsv() throws SQLException {
        try (Connection connection = TestDatabase.shared().jdbc(); Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'Europe/Amsterdam'; SET IntervalStyle = postgres; "
                    + "SET bytea_output = hex; SET DateStyle = ISO");
            StringWriter out = new StringWriter();
            try {
                connection.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut("COPY (SELECT * FROM type_samples ORDER BY id) TO STDOUT (FORMAT csv, HEADER)", out);
            }
            catch (java.io.IOException ex) {
                throw new IllegalStateException(ex);
            }
            return out.toString();
        }
    }

}
