package dev.sluice.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows endpoint's selection language, checked against the rows PostgreSQL returns for
 * the equivalent SQL.
 */
@IntegrationTest
class RowsIntegrationTests {

    private static final ObjectMapper json = new ObjectMapper();

    @Autowired
    WebTestClient client;

    @Autowired
    DatabaseClient database;

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            kind=eq.refund                                   | kind = 'refund' ORDER BY id
            kind=neq.refund&limit=17                         | kind <> 'refund' ORDER BY id LIMIT 17
            amount=gt.100&amount=lte.5000                    | amount > 100 AND amount <= 5000 ORDER BY id
            amount=gte.-5.5                                  | amount >= -5.5 ORDER BY id
            amount=lt.0                                      | amount < 0 ORDER BY id
            kind=in.(click,view)                             | kind IN ('click', 'view') ORDER BY id
            kind=not.in.(click,view)                         | NOT (kind IN ('click', 'view')) ORDER BY id
            id=in.()                                         | false ORDER BY id
            note=like.*"1*                                   | note LIKE '%"1%' ORDER BY id
            note=not.like.note "2*                           | NOT (note LIKE 'note "2%') ORDER BY id
            flag=is.null                                     | flag IS NULL ORDER BY id
            flag=is.true                                     | flag IS TRUE ORDER BY id
            flag=not.is.false                                | NOT (flag IS FALSE) ORDER BY id
            note=not.is.null&kind=eq.view                    | note IS NOT NULL AND kind = 'view' ORDER BY id
            created_at=gte.2024-02-01T00:00:00Z              | created_at >= '2024-02-01T00:00:00Z' ORDER BY id
            created_at=lt.2024-01-03 12:00                   | created_at < '2024-01-03 12:00' ORDER BY id
            order=amount.desc.nullslast&limit=50             | true ORDER BY amount DESC NULLS LAST, id LIMIT 50
            order=amount.asc.nullsfirst&limit=50             | true ORDER BY amount ASC NULLS FIRST, id LIMIT 50
            order=kind.asc,amount.desc&limit=80              | true ORDER BY kind, amount DESC, id LIMIT 80
            order=flag,id.desc&limit=30                      | true ORDER BY flag, id DESC LIMIT 30
            limit=0                                          | true ORDER BY id LIMIT 0
            after=990                                        | id > 990 ORDER BY id
            order=id.desc&after=10                           | id < 10 ORDER BY id DESC
            after=500&kind=eq.signup&limit=5                 | id > 500 AND kind = 'signup' ORDER BY id LIMIT 5
            """)
    void filtersOrderLimitAndAfterMatchSql(String query, String sql) {
        List<Long> expected = this.database.sql("SELECT id FROM events WHERE " + sql)
            .map((row) -> row.get(0, Long.class))
            .all()
            .collectList()
            .block();
        assertThat(ids(ndjson("/v1/datasets/events/rows?" + query))).isEqualTo(expected);
    }

    @Test
    void compositeKeyResumesStrictlyAfterTheKey() {
        List<String> expected = this.database
            .sql("SELECT tenant || '/' || seq FROM pairs WHERE (tenant, seq) > ('a,b', 20) ORDER BY tenant, seq")
            .map((row) -> row.get(0, String.class))
            .all()
            .collectList()
            .block();
        List<String> actual = ndjson("/v1/datasets/pairs/rows?after=\"a,b\",20").stream()
            .map((node) -> node.get("tenant").asString() + "/" + node.get("seq").asInt())
            .toList();
        assertThat(actual).isNotEmpty().isEqualTo(expected);
    }

    @Test
    void pagingWithAfterReturnsEveryRowExactlyOnce() {
        List<String> seen = new ArrayList<>();
        String after = null;
        while (true) {
            String uri = "/v1/datasets/pairs/rows?limit=7" + ((after != null) ? "&after=" + after : "");
            List<JsonNode> page = ndjson(uri);
            if (page.isEmpty()) {
                break;
            }
            for (JsonNode row : page) {
                seen.add(row.get("tenant").asString() + "/" + row.get("seq").asInt());
            }
            JsonNode last = page.get(page.size() - 1);
            // The last key as a client would pass it: each value quoted, quotes and
            // backslashes escaped.
            after = quote(last.get("tenant").asString()) + "," + last.get("seq").asInt();
        }
        List<String> all = this.database.sql("SELECT tenant || '/' || seq FROM pairs ORDER BY tenant, seq")
            .map((row) -> row.get(0, String.class))
            .all()
            .collectList()
            .block();
        assertThat(seen).hasSize(100).isEqualTo(all);
    }

    @Test
    void selectKeepsTableOrderOfColumns() {
        List<JsonNode> rows = ndjson("/v1/datasets/events/rows?select=note,id,kind&limit=2");
        assertThat(rows).hasSize(2);
        List<String> names = new ArrayList<>();
        rows.get(0).propertyNames().forEach(names::add);
        assertThat(names).containsExactly("id", "kind", "note");
    }

    @Test
    void filtersOnFixedLengthTypesCompareWholeValues() {
        // char(n) and bit(n) values are cast to bpchar and bit varying lengths, not to
        // char(1) and bit(1).
        assertThat(ids(ndjson("/v1/datasets/types/rows?select=id&c_char=eq.abcdef"))).containsExactly(3L);
        assertThat(ids(ndjson("/v1/datasets/types/rows?select=id&c_bit=eq.1010"))).containsExactly(2L);
        assertThat(ids(ndjson("/v1/datasets/types/rows?select=id&c_char=eq.a"))).containsExactly(4L);
    }

    @Test
    void viewsAreDatasetsToo() {
        List<Long> expected = this.database.sql("SELECT id FROM events WHERE kind = 'refund' ORDER BY id")
            .map((row) -> row.get(0, Long.class))
            .all()
            .collectList()
            .block();
        assertThat(ids(ndjson("/v1/datasets/refunds/rows"))).isEqualTo(expected);
    }

    @Test
    void ndjsonEndsEveryLineWithNewline() {
        String body = body("/v1/datasets/events/rows?limit=3", MediaType.APPLICATION_NDJSON);
        assertThat(body).endsWith("\n").hasLineCount(3);
        assertThat(List.of(body.split("\n", -1))).hasSize(4).last().isEqualTo("");
        assertThat(body("/v1/datasets/events/rows?limit=0", MediaType.APPLICATION_NDJSON)).isEmpty();
    }

    @Test
    void formatParameterWinsOverAccept() {
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=2&format=csv")
            .accept(MediaType.APPLICATION_JSON)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith("text/csv")
            .expectBody(String.class)
            .value((csv) -> assertThat(csv).startsWith("id,kind,amount,created_at,flag,payload,note\r\n")
                .hasLineCount(3));
    }

    @Test
    void acceptPicksTheFormatByQuality() {
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=2")
            .header(HttpHeaders.ACCEPT, "application/x-ndjson;q=0.5, application/json")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody(String.class)
            .value((body) -> assertThat(json.readTree(body).size()).isEqualTo(2));
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=0")
            .accept(MediaType.APPLICATION_JSON)
            .exchange()
            .expectBody(String.class)
            .isEqualTo("[]\n");
    }

    @Test
    void gzipWhenAsked() throws IOException, InterruptedException {
        String plain = body("/v1/datasets/events/rows", MediaType.APPLICATION_NDJSON);
        // The JDK client leaves the encoding alone, as curl without --compressed would.
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/v1/datasets/events/rows"))
                .header(HttpHeaders.ACCEPT_ENCODING, "gzip")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(HttpHeaders.CONTENT_ENCODING)).hasValue("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain);
        }
        assertThat(response.body().length).isLessThan(plain.length() / 3);
    }

    @ParameterizedTest
    @CsvSource({ "ndjson, application/x-ndjson", "csv, text/csv;charset=utf-8;header=present",
            "json, application/json" })
    void aDownloadIsNamedAfterItsDatasetAndFormat(String format, String type) throws Exception {
        HttpResponse<Void> response = send("GET", "/v1/datasets/events/rows?limit=1&format=" + format, Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValue(type);
        assertThat(response.headers().firstValue(HttpHeaders.CONTENT_DISPOSITION))
            .hasValue("attachment; filename=\"events." + format + "\"");
    }

    @Test
    void headAnswersAsGetWouldWithoutRunningTheQuery() throws Exception {
        // The query fails after 6000 rows: a HEAD that ran it would fail too.
        HttpResponse<Void> doomed = send("HEAD", "/v1/datasets/wide-doomed/rows", Map.of());
        assertThat(doomed.statusCode()).isEqualTo(200);
        assertThat(doomed.headers().firstValue(HttpHeaders.CONTENT_DISPOSITION))
            .hasValue("attachment; filename=\"wide-doomed.ndjson\"");
        for (String uri : List.of("/v1/datasets/events/rows?format=csv&kind=eq.refund", "/v1/datasets/events/rows",
                "/v1/datasets/events/rows?colour=eq.red", "/v1/datasets/nope/rows",
                "/v1/datasets/events/rows?format=xml")) {
            Map<String, String> headers = Map.of(HttpHeaders.ACCEPT_ENCODING, "gzip");
            HttpResponse<Void> get = send("GET", uri, headers);
            HttpResponse<Void> head = send("HEAD", uri, headers);
            assertThat(head.statusCode()).as(uri).isEqualTo(get.statusCode());
            for (String name : List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_DISPOSITION,
                    HttpHeaders.CONTENT_ENCODING, HttpHeaders.VARY)) {
                assertThat(head.headers().allValues(name)).as(uri + " " + name)
                    .isEqualTo(get.headers().allValues(name));
            }
        }
    }

    private HttpResponse<Void> send(String method, String uri, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + uri))
            .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void anotherServiceConsumesTheStreamAsAFluxOfMaps() {
        WebClient webClient = WebClient.create("http://localhost:" + this.port);
        List<Map<String, Object>> rows = webClient.get()
            .uri("/v1/datasets/events/rows?kind=eq.refund")
            .accept(MediaType.APPLICATION_NDJSON)
            .retrieve()
            .bodyToFlux(new ParameterizedTypeReference<Map<String, Object>>() {
            })
            .collectList()
            .block();
        assertThat(rows).hasSize(250);
        assertThat(rows).allSatisfy((row) -> assertThat(row).containsEntry("kind", "refund"));
        assertThat(rows.get(0)).containsKeys("id", "amount", "created_at", "flag", "payload", "note");
        assertThat(rows.get(0).get("payload")).isInstanceOf(Map.class);
    }

    private List<JsonNode> ndjson(String uri) {
        String body = body(uri, MediaType.APPLICATION_NDJSON);
        return body.lines().map(json::readTree).toList();
    }

    private String body(String uri, MediaType accept) {
        String body = this.client.get()
            .uri(uri)
            .accept(accept)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return (body != null) ? body : "";
    }

    private static List<Long> ids(List<JsonNode> rows) {
        return rows.stream().map((row) -> row.get("id").asLong()).toList();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

}
