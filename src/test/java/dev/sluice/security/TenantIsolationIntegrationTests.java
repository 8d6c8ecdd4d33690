package dev.sluice.security;

import java.util.List;
import java.util.Map;

import dev.sluice.SecureIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Datasets bound to a tenant: whatever a caller's query says (filters on the tenant
 * column, values that look like SQL, resume keys of another tenant, another order or
 * selection), the rows it gets are its tenant's. {@code tenant-pairs} is the fixtures'
 * {@code pairs} (25 rows of each of acme, zeta, 'a,b' and 'Ω "quoted"'; label is
 * tenant-seq), {@code tenant-items} is {@code tenant_items} (even ids acme, odd zeta).
 */
@SecureIntegrationTest
class TenantIsolationIntegrationTests {

    @Autowired
    WebTestClient client;

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = { "tenant=eq.zeta", "tenant=neq.acme", "tenant=not.eq.acme", "tenant=in.(zeta,\"a,b\")",
            "tenant=not.in.(acme)", "tenant=is.null", "tenant=lt.acme", "tenant=gt.acme&tenant=neq.acme",
            "tenant=eq.acme) OR (true", "tenant=eq.zeta' OR '1'='1", "tenant=like.zeta*", "label=like.zeta-*",
            "label=eq.zeta-3", "tenant=eq.ACME", "tenant=eq.acme ", "seq=gt.0&tenant=not.like.acme*" })
    void filtersOnTheTenantColumnNeverWiden(String query) {
        assertThat(rows(Credentials.ACME, "/v1/datasets/tenant-pairs/rows?" + query)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = { "", "tenant=eq.acme", "tenant=in.(acme,zeta)", "tenant=not.is.null", "tenant=like.*",
            "tenant=gte.a", "select=seq,label", "order=label.desc", "order=seq.desc,tenant.asc",
            "select=label&order=tenant.desc,seq.desc", "after=a,0", "after=\"a,b\",25",
            "order=tenant.desc,seq.desc&after=zeta,99", "format=csv", "format=json", "limit=1000" })
    void everyQueryGetsExactlyTheTenantsRows(String query) {
        List<String> rows = rows(Credentials.ACME, "/v1/datasets/tenant-pairs/rows?" + query);
        assertThat(rows).hasSize(25).allSatisfy((row) -> assertThat(row).contains("acme-"));
        assertThat(rows).noneMatch((row) -> row.contains("zeta") || row.contains("a,b") || row.contains("quoted"));
    }

    @Test
    void resumingAfterAnotherTenantsKeyStaysInTheTenant() {
        // zeta's rows come after acme's in key order: after a zeta key there is nothing
        // of acme.
        assertThat(rows(Credentials.ACME, "/v1/datasets/tenant-pairs/rows?after=zeta,1")).isEmpty();
        assertThat(rows(Credentials.ACME, "/v1/datasets/tenant-pairs/rows?after=acme,20")).containsExactly(
                "{\"tenant\":\"acme\",\"seq\":21,\"label\":\"acme-21\"}",
                "{\"tenant\":\"acme\",\"seq\":22,\"label\":\"acme-22\"}",
                "{\"tenant\":\"acme\",\"seq\":23,\"label\":\"acme-23\"}",
                "{\"tenant\":\"acme\",\"seq\":24,\"label\":\"acme-24\"}",
                "{\"tenant\":\"acme\",\"seq\":25,\"label\":\"acme-25\"}");
        // tenant-items is keyed by id alone; odd ids are zeta's.
        List<String> items = rows(Credentials.ACME, "/v1/datasets/tenant-items/rows?select=id&after=33");
        assertThat(items).containsExactly("{\"id\":34}", "{\"id\":36}", "{\"id\":38}", "{\"id\":40}");
        assertThat(rows(Credentials.ZETA, "/v1/datasets/tenant-items/rows?select=id&id=in.(2,4,6)")).isEmpty();
    }

    @Test
    void anotherTenantGetsItsOwnRows() {
        List<String> rows = rows(Credentials.ZETA, "/v1/datasets/tenant-items/rows?select=id,tenant");
        assertThat(rows).hasSize(20).allSatisfy((row) -> assertThat(row).contains("\"tenant\":\"zeta\""));
        List<String> fromToken = rows(
                Credentials.bearer(this.client,
                        Credentials.token("carol", Map.of("scope", "items:read", "tenant", "acme"))),
                "/v1/datasets/tenant-items/rows?select=id,tenant&tenant=eq.zeta");
        assertThat(fromToken).isEmpty();
        assertThat(rows(
                Credentials.bearer(this.client,
                        Credentials.token("carol", Map.of("scope", "items:read", "tenant", "acme"))),
                "/v1/datasets/tenant-items/rows?select=tenant"))
            .hasSize(20)
            .containsOnly("{\"tenant\":\"acme\"}");
    }

    @Test
    void aCredentialWithoutTheClaimGetsNothing() {
        WebTestClient untenanted = Credentials.bearer(this.client,
                Credentials.token("dave", Map.of("scope", "items:read tenant-pairs:read")));
        for (String path : List.of("/v1/datasets/tenant-items/rows", "/v1/datasets/tenant-pairs/rows?tenant=eq.acme")) {
            untenanted.get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .value(String.class, (detail) -> assertThat(detail).contains("claim 'tenant'"));
        }
    }

    private List<String> rows(String key, String uri) {
        return rows(Credentials.apiKey(this.client, key), uri);
    }

    private static List<String> rows(WebTestClient client, String uri) {
        String body = client.get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        if (body == null) {
            return List.of();
        }
        if (uri.contains("format=csv")) {
            // The header row is not a row.
            return body.lines().skip(1).toList();
        }
        if (uri.contains("format=json")) {
            return List.of(body.replaceAll("^\\[|\\]\\s*$", "").split("(?<=}),"))
                .stream()
                .filter((row) -> !row.isBlank())
                .toList();
        }
        return body.lines().toList();
    }

}
