package dev.sluice.export;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export jobs to local storage, end to end over HTTP: a job's file holds exactly the
 * bytes the rows endpoint streams for the same selection.
 */
@IntegrationTest
class ExportIntegrationTests {

    @Autowired
    private WebTestClient client;

    private Exports exports() {
        return new Exports(this.client);
    }

    @Test
    void ndjsonFileEqualsTheStreamedRows() throws Exception {
        Exports exports = exports();
        String id = exports.submit("""
                {"parts": [{"dataset": "events", "query": "select=id,kind,amount&kind=eq.refund"}]}""");
        String status = exports.awaitSuccess(id);
        byte[] file = exports.download(id, "events.ndjson");
        byte[] streamed = exports.streamed("events", "select=id,kind,amount&kind=eq.refund", "ndjson");
        assertThat(file).isNotEmpty().isEqualTo(streamed);
        Map<String, Object> described = Exports.file(status, "events.ndjson");
        assertThat(((Number) described.get("bytes")).longValue()).isEqualTo(file.length);
        assertThat(described.get("sha256")).isEqualTo(sha256(file));
        assertThat(((Number) described.get("rows")).longValue()).isEqualTo(lines(streamed));
        assertThat((Integer) JsonPath.read(status, "$.progress.rows")).isEqualTo((int) lines(streamed));
    }

    @Test
    void everyFormatMatchesTheStreamAndGzipDecompressesToIt() throws Exception {
        Exports exports = exports();
        for (String format : List.of("ndjson", "csv", "json")) {
            for (String compression : List.of("none", "gzip")) {
                String id = exports.submit("{\"parts\": [{\"dataset\": \"big\", \"query\": \"limit=5000\"}],"
                        + " \"format\": \"" + format + "\", \"compression\": \"" + compression + "\"}");
                exports.awaitSuccess(id);
                String name = "big." + format + (compression.equals("gzip") ? ".gz" : "");
                byte[] file = exports.download(id, name);
                byte[] content = compression.equals("gzip") ? gunzip(file) : file;
                assertThat(content).as(name).isEqualTo(exports.streamed("big", "limit=5000", format));
            }
        }
    }

    @Test
    void multiDatasetExportHasAManifest() {
        Exports exports = exports();
        String id = exports.submit("""
                {"parts": [{"dataset": "events", "query": "select=id,kind&order=id.desc&limit=10"},
                           {"dataset": "pairs"}, {"dataset": "events", "query": "kind=eq.refund"}],
                 "format": "csv"}""");
        String status = exports.awaitSuccess(id);
        String manifest = new String(exports.download(id, "manifest.json"));
        assertThat((Integer) JsonPath.read(manifest, "$.formatVersion")).isEqualTo(1);
        assertThat((String) JsonPath.read(manifest, "$.server.version")).isNotBlank();
        assertThat((List<String>) JsonPath.read(manifest, "$.files[*].name")).containsExactly("events.csv", "pairs.csv",
                "events-2.csv");
        assertThat((List<String>) JsonPath.read(manifest, "$.files[*].dataset")).containsExactly("events", "pairs",
                "events");
        assertThat((String) JsonPath.read(manifest, "$.files[0].selection"))
            .isEqualTo("select=id,kind&order=id.desc&limit=10");
        assertThat((List<String>) JsonPath.read(manifest, "$.files[0].columns[*].name")).containsExactly("id", "kind");
        assertThat((Integer) JsonPath.read(manifest, "$.files[0].rows")).isEqualTo(10);
        for (String name : List.of("events.csv", "pairs.csv", "events-2.csv")) {
            byte[] file = exports.download(id, name);
            Map<String, Object> described = Exports.file(status, name);
            List<Map<String, Object>> listed = JsonPath.read(manifest, "$.files[?(@.name == '" + name + "')]");
            assertThat(listed.get(0).get("sha256")).isEqualTo(sha256(file)).isEqualTo(described.get("sha256"));
            assertThat(((Number) listed.get(0).get("bytes")).longValue()).isEqualTo(file.length);
        }
        assertThat(exports.download(id, "pairs.csv")).isEqualTo(exports.streamed("pairs", "", "csv"));
    }

    @Test
    void mistakesAreProblemsAtSubmission() {
        assertBad("{\"parts\": [{\"dataset\": \"nope\"}]}", "/parts/0/dataset", "nope");
        assertBad("{\"parts\": [{\"dataset\": \"events\", \"query\": \"colour=eq.red\"}]}", "/parts/0/query", "colour");
        assertBad("{\"parts\": [{\"dataset\": \"events\"}, {\"dataset\": \"events\", \"query\": \"id=foo.1\"}]}",
                "/parts/1/query", "operator");
        assertBad("{\"parts\": [{\"dataset\": \"events\", \"query\": \"id=eq.abc\"}]}", "/parts/0/query", "abc");
        assertBad("{\"parts\": [{\"dataset\": \"events\", \"query\": \"format=csv\"}]}", "/parts/0/query", "format");
        assertBad("{\"parts\": [{\"dataset\": \"events\"}], \"format\": \"xml\"}", "/format", "xml");
        assertBad("{\"parts\": [{\"dataset\": \"events\"}], \"compression\": \"zstd\"}", "/compression", "zstd");
        assertBad("{\"parts\": [{\"dataset\": \"events\"}], \"consistency\": \"eventual\"}", "/consistency",
                "'consistency' is snapshot (every part reads one snapshot of the database) or none; got 'eventual'.");
        assertBad("{\"parts\": []}", "/parts", "parts");
    }

    @Test
    void unknownFieldsAreProblemsNamingThem() {
        assertBad("{\"parts\": [{\"dataset\": \"events\", \"maxFileRows\": 5}]}", "/parts/0/maxFileRows",
                "Unknown field 'maxFileRows'");
        assertBad("{\"parts\": [{\"dataset\": \"events\"}], \"compresion\": \"gzip\"}", "/compresion",
                "the fields there are compression, consistency, format, parts");
    }

    private void assertBad(String body, String pointer, String mentioned) {
        this.client.post()
            .uri("/v1/exports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isBadRequest()
            .expectHeader()
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.pointer")
            .isEqualTo(pointer)
            .jsonPath("$.detail")
            .value(String.class, (detail) -> assertThat(detail).contains(mentioned));
    }

    static long lines(byte[] ndjson) {
        long lines = 0;
        for (byte b : ndjson) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    static byte[] gunzip(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

}
