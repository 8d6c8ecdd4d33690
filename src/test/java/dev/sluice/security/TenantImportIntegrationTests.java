package dev.sluice.security;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.SecureIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports into a dataset bound to a tenant ({@code tenant-imports}, keyed by id alone):
 * every row must carry the caller's tenant, else its line is rejected; an upsert never
 * updates a row of another tenant that has the same key. Each test uses ids of its own.
 */
@SecureIntegrationTest
class TenantImportIntegrationTests {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    @Autowired
    WebTestClient client;

    @Test
    void linesOfAnotherTenantOrNoneAreRejected() {
        String report = importRows(Credentials.ACME, "onError=skip", NDJSON, """
                {"id": 101, "tenant": "acme", "label": "mine"}
                {"id": 102, "tenant": "zeta", "label": "theirs"}
                {"id": 103, "label": "nobody's"}
                {"id": 104, "tenant": "acme ", "label": "almost"}
                {"id": 105, "tenant": "ACME", "label": "case"}
                """, 200);
        assertThat(JsonPath.<Integer>read(report, "$.written")).isEqualTo(1);
        assertThat(JsonPath.<List<Integer>>read(report, "$.errors[*].line")).containsExactly(2, 3, 4, 5);
        assertThat(JsonPath.<List<String>>read(report, "$.errors[*].column")).containsOnly("tenant");
        assertThat(ids(Credentials.ACME, "id=gte.101&id=lte.105")).containsExactly(101);
        assertThat(ids(Credentials.ZETA, "id=gte.101&id=lte.105")).isEmpty();
    }

    @Test
    void oneForeignLineAbortsTheImportWhetherCopiedOrStaged() {
        // mode=insert with onError=abort copies straight into the table; upsert stages.
        for (String mode : List.of("insert", "upsert")) {
            String problem = importRows(Credentials.ACME, "mode=" + mode, NDJSON, """
                    {"id": 201, "tenant": "acme"}
                    {"id": 202, "tenant": "zeta"}
                    """, 422);
            assertThat(problem).contains("must hold your tenant, 'acme'");
            assertThat(JsonPath.<List<Integer>>read(problem, "$.errors[*].line")).containsExactly(2);
            assertThat(ids(Credentials.ACME, "id=gte.201&id=lte.202")).isEmpty();
        }
    }

    @Test
    void aCsvWithoutTheTenantColumnWritesNothing() {
        String problem = importRows(Credentials.ACME, "", MediaType.parseMediaType("text/csv"), "id,label\r\n301,x\r\n",
                422);
        assertThat(problem).contains("tenant");
        String report = importRows(Credentials.ACME, "onError=skip", MediaType.parseMediaType("text/csv"),
                "id,tenant,label\r\n302,acme,y\r\n303,zeta,z\r\n", 200);
        assertThat(JsonPath.<List<Integer>>read(report, "$.errors[*].line")).containsExactly(3);
        assertThat(ids(Credentials.ACME, "id=gte.301&id=lte.303")).containsExactly(302);
        assertThat(ids(Credentials.ZETA, "id=gte.301&id=lte.303")).isEmpty();
    }

    @Test
    void anUpsertNeverUpdatesAnotherTenantsRow() {
        importRows(Credentials.ZETA, "", NDJSON, "{\"id\": 401, \"tenant\": \"zeta\", \"label\": \"zeta's\"}\n", 200);
        // Aborting: 409, and nothing written.
        String problem = importRows(Credentials.ACME, "mode=upsert", NDJSON, """
                {"id": 402, "tenant": "acme", "label": "mine"}
                {"id": 401, "tenant": "acme", "label": "stolen"}
                """, 409);
        assertThat(problem).contains("is taken by a row of another tenant");
        assertThat(ids(Credentials.ACME, "id=gte.401&id=lte.402")).isEmpty();
        // Skipping: the other lines are written.
        String report = importRows(Credentials.ACME, "mode=upsert&onError=skip", NDJSON, """
                {"id": 402, "tenant": "acme", "label": "mine"}
                {"id": 401, "tenant": "acme", "label": "stolen"}
                """, 200);
        assertThat(JsonPath.<Integer>read(report, "$.inserted")).isEqualTo(1);
        assertThat(JsonPath.<Integer>read(report, "$.updated")).isEqualTo(0);
        assertThat(JsonPath.<List<Integer>>read(report, "$.errors[*].line")).containsExactly(2);
        // The caller's own row is updated as usual.
        String again = importRows(Credentials.ACME, "mode=upsert", NDJSON,
                "{\"id\": 402, \"tenant\": \"acme\", \"label\": \"mine again\"}\n", 200);
        assertThat(JsonPath.<Integer>read(again, "$.updated")).isEqualTo(1);
        assertThat(rows(Credentials.ZETA, "id=eq.401"))
            .containsExactly("{\"id\":401,\"tenant\":\"zeta\",\"label\":\"zeta's\"}");
        assertThat(rows(Credentials.ACME, "id=gte.401&id=lte.402"))
            .containsExactly("{\"id\":402,\"tenant\":\"acme\",\"label\":\"mine again\"}");
    }

    @Test
    void aCredentialWithoutTheClaimCannotImport() {
        Credentials.bearer(this.client, Credentials.token("frank", Map.of("scope", "items:write")))
            .post()
            .uri("/v1/datasets/tenant-imports/rows")
            .contentType(NDJSON)
            .bodyValue("{\"id\": 501, \"tenant\": \"acme\"}\n")
            .exchange()
            .expectStatus()
            .isForbidden()
            .expectBody()
            .jsonPath("$.detail")
            .value(String.class, (detail) -> assertThat(detail).contains("claim 'tenant'"));
        assertThat(ids(Credentials.ACME, "id=eq.501")).isEmpty();
    }

    private String importRows(String key, String query, MediaType type, String body, int status) {
        return Credentials.apiKey(this.client, key)
            .post()
            .uri("/v1/datasets/tenant-imports/rows" + (query.isEmpty() ? "" : "?" + query))
            .contentType(type)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    private List<String> rows(String key, String query) {
        String body = Credentials.apiKey(this.client, key)
            .get()
            .uri("/v1/datasets/tenant-imports/rows?" + query)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return (body != null) ? body.lines().toList() : List.of();
    }

    private List<Integer> ids(String key, String query) {
        return rows(key, "select=id&" + query).stream().map((row) -> JsonPath.<Integer>read(row, "$.id")).toList();
    }

}
