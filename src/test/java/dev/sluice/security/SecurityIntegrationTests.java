package dev.sluice.security;

import java.util.List;
import java.util.Map;

import dev.sluice.SecureIntegrationTest;
import dev.sluice.TestTokens;
import dev.sluice.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With security on: every endpoint but the health probes answers 401 without a valid
 * credential (API key or JWT), with a problem and a {@code WWW-Authenticate} challenge;
 * dataset actions need their scopes (403 otherwise); metrics need the admin or metrics
 * scope.
 */
@SecureIntegrationTest
class SecurityIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    Catalog datasets;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /v1/datasets
            GET    | /v1/datasets/events
            GET    | /v1/datasets/events/rows
            POST   | /v1/datasets/job-events/rows
            POST   | /v1/exports
            GET    | /v1/exports
            GET    | /v1/exports/0b7e1f4e-1d6c-4c57-9d4e-2d1c1f0e5a01
            GET    | /v1/exports/0b7e1f4e-1d6c-4c57-9d4e-2d1c1f0e5a01/events
            GET    | /v1/exports/0b7e1f4e-1d6c-4c57-9d4e-2d1c1f0e5a01/files/manifest.json
            DELETE | /v1/exports/0b7e1f4e-1d6c-4c57-9d4e-2d1c1f0e5a01
            POST   | /v1/imports
            GET    | /v1/imports/0b7e1f4e-1d6c-4c57-9d4e-2d1c1f0e5a01
            DELETE | /v1/imports/0b7e1f4e-1d6c-4c57-9d4e-2d1c1f0e5a01
            GET    | /actuator/prometheus
            GET    | /actuator/info
            """)
    void withoutCredentialEveryEndpointIs401WithAChallenge(String method, String path) {
        this.client.method(HttpMethod.valueOf(method))
            .uri(path)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{}")
            .exchange()
            .expectStatus()
            .isUnauthorized()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectHeader()
            .values(HttpHeaders.WWW_AUTHENTICATE,
                    (challenges) -> assertThat(challenges).containsExactly("Bearer realm=\"sluice\"",
                            "ApiKey realm=\"sluice\", header=\"X-API-Key\""))
            .expectBody()
            .jsonPath("$.status")
            .isEqualTo(401)
            .jsonPath("$.title")
            .isEqualTo("Authentication required")
            .jsonPath("$.detail")
            .value(String.class, (detail) -> assertThat(detail).contains("X-API-Key").contains("Bearer"));
    }

    @ParameterizedTest
    @CsvSource({ "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness" })
    void healthProbesNeedNoCredential(String path) {
        // Actuator may not be there (404), but the security chain lets the probe through.
        this.client.get()
            .uri(path)
            .exchange()
            .expectStatus()
            .value((status) -> assertThat(status).isNotIn(401, 403))
            .expectBody()
            .returnResult();
    }

    @Test
    void anUnknownApiKeyIs401AndNotEchoed() {
        String key = "not-a-key-this-server-knows-3141";
        Credentials.apiKey(this.client, key)
            .get()
            .uri("/v1/datasets/events/rows?limit=1")
            .exchange()
            .expectStatus()
            .isUnauthorized()
            .expectHeader()
            .exists(HttpHeaders.WWW_AUTHENTICATE)
            .expectBody(String.class)
            .value((body) -> assertThat(body).contains("\"title\":\"Invalid credential\"")
                .contains("is not one this server knows")
                .doesNotContain(key));
    }

    @Test
    void aKnownApiKeyWithItsScopeReadsRows() {
        Credentials.apiKey(this.client, Credentials.ACME)
            .get()
            .uri("/v1/datasets/events/rows?limit=3")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .value((body) -> assertThat(body.lines()).hasSize(3));
    }

    @Test
    void aValidJwtWithTheScopeReadsRowsWhetherScopeOrScp() {
        for (Map<String, Object> claims : List.<Map<String, Object>>of(Map.of("scope", "profile events:read"),
                Map.of("scp", List.of("events:read")))) {
            Credentials.bearer(this.client, Credentials.token("alice", claims))
                .get()
                .uri("/v1/datasets/events/rows?limit=2")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value((body) -> assertThat(body.lines()).hasSize(2));
        }
    }

    @Test
    void forgedExpiredAndForeignJwtsAre401InvalidToken() {
        Map<String, Object> claims = Map.of("scope", "events:read");
        TestTokens tokens = TestTokens.shared();
        for (String token : List.of(tokens.forged("mallory", claims), tokens.expired("alice", claims),
                tokens.otherIssuer("alice", claims), "not.a.jwt")) {
            Credentials.bearer(this.client, token)
                .get()
                .uri("/v1/datasets/events/rows?limit=1")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueMatches(HttpHeaders.WWW_AUTHENTICATE, ".*error=\"invalid_token\".*")
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class)
                .value((body) -> assertThat(body).contains("\"title\":\"Invalid credential\"").doesNotContain(token));
        }
    }

    @Test
    void aCredentialWithoutTheDatasetsScopeIs403OnEveryDatasetAction() {
        WebTestClient idle = Credentials.apiKey(this.client, Credentials.NO_SCOPES);
        forbidden(idle.get().uri("/v1/datasets/events/rows").exchange(), "To read dataset 'events'", "events:read");
        forbidden(idle.post()
            .uri("/v1/datasets/job-events/rows")
            .contentType(MediaType.parseMediaType("application/x-ndjson"))
            .bodyValue("{\"id\": 1}\n")
            .exchange(), "To write dataset 'job-events'", "job-events:write");
        forbidden(idle.post()
            .uri("/v1/exports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"parts\": [{\"dataset\": \"events\"}]}")
            .exchange(), "To export dataset 'events'", "events:export");
        // A configured access list replaces the default scope.
        forbidden(Credentials.bearer(this.client, Credentials.token("bob", Map.of("scope", "tenant-items:read")))
            .get()
            .uri("/v1/datasets/tenant-items/rows")
            .exchange(), "To read dataset 'tenant-items'", "items:read");
    }

    @Test
    void headOfRowsIsCheckedAsGetIs() {
        this.client.head()
            .uri("/v1/datasets/events/rows")
            .exchange()
            .expectStatus()
            .isUnauthorized()
            .expectHeader()
            .exists(HttpHeaders.WWW_AUTHENTICATE)
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        Credentials.apiKey(this.client, Credentials.NO_SCOPES)
            .head()
            .uri("/v1/datasets/events/rows")
            .exchange()
            .expectStatus()
            .isForbidden()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void theCatalogShowsACallerTheDatasetsItHoldsAScopeOfAndAnAdministratorAll() {
        assertThat(catalog(Credentials.ACME)).containsExactlyInAnyOrder("events", "job-events", "secure-job-events",
                "tenant-pairs", "tenant-items", "tenant-imports");
        assertThat(catalog(Credentials.NO_SCOPES)).isEmpty();
        assertThat(catalog(Credentials.ADMIN)).hasSize(this.datasets.datasets().size())
            .contains("events", "wide", "restricted", "tenant-items");
        // A configured access list replaces the default scope names: a token with one of
        // those sees nothing.
        assertThat(names(Credentials.bearer(this.client, Credentials.token("bob", Map.of("scope", "items:export")))))
            .containsExactlyInAnyOrder("tenant-items", "tenant-imports");
        assertThat(
                names(Credentials.bearer(this.client, Credentials.token("bob", Map.of("scope", "tenant-items:read")))))
            .isEmpty();
    }

    @Test
    void describingADatasetTakesOneOfItsScopes() {
        described(Credentials.apiKey(this.client, Credentials.ACME), "events");
        // events:export alone (no read) is enough to see what an export of it would hold.
        described(Credentials.bearer(this.client, Credentials.token("bob", Map.of("scope", "events:export"))),
                "events");
        described(Credentials.apiKey(this.client, Credentials.ADMIN), "wide");
        forbidden(Credentials.apiKey(this.client, Credentials.ACME).get().uri("/v1/datasets/wide").exchange(),
                "To see dataset 'wide'", "wide:export");
        forbidden(Credentials.apiKey(this.client, Credentials.NO_SCOPES).get().uri("/v1/datasets/events").exchange(),
                "To see dataset 'events'", "events:read");
    }

    private static void described(WebTestClient client, String dataset) {
        client.get()
            .uri("/v1/datasets/" + dataset)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.name")
            .isEqualTo(dataset)
            .jsonPath("$.key[0]")
            .isEqualTo("id");
    }

    private List<String> catalog(String key) {
        return names(Credentials.apiKey(this.client, key));
    }

    private static List<String> names(WebTestClient client) {
        return client.get()
            .uri("/v1/datasets")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBodyList(Map.class)
            .returnResult()
            .getResponseBody()
            .stream()
            .map((dataset) -> (String) dataset.get("name"))
            .toList();
    }

    @Test
    void metricsNeedTheMetricsOrAdminScope() {
        Credentials.apiKey(this.client, Credentials.ACME)
            .get()
            .uri("/actuator/prometheus")
            .exchange()
            .expectStatus()
            .isForbidden()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.title")
            .isEqualTo("Forbidden");
        for (String key : List.of(Credentials.METRICS, Credentials.ADMIN)) {
            Credentials.apiKey(this.client, key)
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .value((status) -> assertThat(status).isNotIn(401, 403))
                .expectBody()
                .returnResult();
        }
    }

    private static void forbidden(WebTestClient.ResponseSpec response, String detail, String scope) {
        response.expectStatus()
            .isForbidden()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.title")
            .isEqualTo("Forbidden")
            .jsonPath("$.detail")
            .value(String.class, (text) -> assertThat(text).contains(detail).contains(scope));
    }

}
