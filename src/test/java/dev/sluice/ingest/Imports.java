package dev.sluice.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import dev.sluice.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the import tests share: posting a body and reading the answer, and looking at the
 * tables with plain JDBC, outside the server.
 */
final class Imports {

    static final MediaType NDJSON = MediaType.APPLICATION_NDJSON;

    static final MediaType CSV = new MediaType("text", "csv");

    private static final JsonMapper json = JsonMapper.builder().build();

    private Imports() {
    }

    /** Posts a body; the answer's status and its JSON (a report or a problem). */
    static Answer post(WebTestClient client, String dataset, String query, MediaType type, byte[] body,
            String... headers) {
        EntityExchangeResult<byte[]> result = client.mutate()
            .responseTimeout(Duration.ofMinutes(1))
            .build()
            .post()
            .uri("/v1/datasets/" + dataset + "/rows" + (query.isEmpty() ? "" : "?" + query))
            .contentType(type)
            .headers((h) -> {
                for (int i = 0; i < headers.length; i += 2) {
                    h.add(headers[i], headers[i + 1]);
                }
            })
            .bodyValue(body)
            .exchange()
            .expectBody()
            .returnResult();
        byte[] bytes = result.getResponseBody();
        String text = (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
        return new Answer(result.getStatus().value(), result.getResponseHeaders(), text,
                text.isEmpty() ? json.nullNode() : json.readTree(text));
    }

    static Answer post(WebTestClient client, String dataset, String query, MediaType type, String body) {
        return post(client, dataset, query, type, body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    static void sql(String statements) {
        try (Connection connection = TestDatabase.shared().jdbc(); Statement statement = connection.createStatement()) {
            statement.execute(statements);
        }
        catch (SQLException ex) {
            throw new IllegalStateException(statements, ex);
        }
    }

    /** Each row of a query as its columns' text, joined by '|'. */
    static List<String> rows(String query) {
        try (Connection connection = TestDatabase.shared().jdbc();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append((i > 1) ? "|" : "").append(result.getString(i));
                }
                rows.add(row.toString());
            }
            return rows;
        }
        catch (SQLException ex) {
            throw new IllegalStateException(query, ex);
        }
    }

    static long count(String table) {
        return Long.parseLong(rows("SELECT count(*) FROM " + table).get(0));
    }

    /**
     * A table's content as one text: a fingerprint to tell "unchanged" (rows and their
     * system columns, so an update to the same values shows too).
     */
    static String fingerprint(String table) {
        return String.join("\n", rows("SELECT ctid, xmin, t::text FROM " + table + " t ORDER BY ctid"));
    }

    /** An import's answer. */
    record Answer(int status, HttpHeaders headers, String text, JsonNode body) {

        long number(String field) {
            return this.body.get(field).asLong();
        }

        /** The listed errors as "line|column|reason". */
        List<String> errors() {
            List<String> errors = new ArrayList<>();
            this.body.get("errors")
                .forEach((error) -> errors.add(error.path("line").asString("") + "|" + error.path("column").asString("")
                        + "|" + error.get("reason").asString()));
            return errors;
        }

        @Override
        public String toString() {
            return this.status + " " + this.text;
        }

    }

}
