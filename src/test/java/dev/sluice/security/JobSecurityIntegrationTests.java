package dev.sluice.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.SecureIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Export and import jobs with security on: a job belongs to whoever submitted it; another
 * caller gets 404 for its status, events, files and cancel, and does not see it in the
 * history, while an administrator sees and cancels every job. An export of a dataset
 * bound to a tenant writes only the submitter's rows, whatever its parts' queries say.
 */
@SecureIntegrationTest
class JobSecurityIntegrationTests {

    @Autowired
    WebTestClient client;

    @Test
    void anExportOfATenantDatasetHoldsOnlyTheSubmittersRows() {
        WebTestClient acme = Credentials.apiKey(this.client, Credentials.ACME);
        String id = submit(acme, """
                {"parts": [{"dataset": "tenant-pairs", "query": "tenant=eq.zeta"},
                           {"dataset": "tenant-pairs", "query": "tenant=neq.acme&order=seq.desc"},
                           {"dataset": "tenant-pairs", "query": "after=a,0"},
                           {"dataset": "tenant-items", "query": "select=id,tenant&id=in.(1,2,3,4)"}],
                 "format": "csv"}""");
        String status = awaitSuccess(acme, id);
        assertThat(JsonPath.<List<Integer>>read(status, "$.files[*].rows")).containsExactly(0, 0, 25, 2);
        assertThat(download(acme, id, "tenant-pairs.csv")).isEqualTo("tenant,seq,label\r\n");
        assertThat(download(acme, id, "tenant-pairs-2.csv")).isEqualTo("tenant,seq,label\r\n");
        List<String> rows = download(acme, id, "tenant-pairs-3.csv").lines().skip(1).toList();
        assertThat(rows).hasSize(25).allSatisfy((row) -> assertThat(row).startsWith("acme,"));
        assertThat(download(acme, id, "tenant-items.csv")).isEqualTo("id,tenant\r\n2,acme\r\n4,acme\r\n");
    }

    @Test
    void anExportNeedsTheClaimOfATenantDataset() {
        Credentials.bearer(this.client, Credentials.token("erin", Map.of("scope", "items:export")))
            .post()
            .uri("/v1/exports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"parts\": [{\"dataset\": \"tenant-items\"}]}")
            .exchange()
            .expectStatus()
            .isForbidden()
            .expectBody()
            .jsonPath("$.detail")
            .value(String.class, (detail) -> assertThat(detail).contains("claim 'tenant'"));
    }

    @Test
    void anExportIsItsOwnersAndTheAdministrators() {
        WebTestClient acme = Credentials.apiKey(this.client, Credentials.ACME);
        WebTestClient zeta = Credentials.apiKey(this.client, Credentials.ZETA);
        WebTestClient admin = Credentials.apiKey(this.client, Credentials.ADMIN);
        String id = submit(acme, "{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=5\"}]}");
        awaitSuccess(acme, id);
        for (String path : List.of("/v1/exports/" + id, "/v1/exports/" + id + "/events",
                "/v1/exports/" + id + "/files/manifest.json", "/v1/exports/" + id + "/files/events.ndjson")) {
            notFound(zeta.get().uri(path).exchange());
        }
        notFound(zeta.delete().uri("/v1/exports/" + id).exchange());
        assertThat(history(zeta)).doesNotContain(id);
        assertThat(history(acme)).contains(id);
        assertThat(history(admin)).contains(id);
        admin.get()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.id")
            .isEqualTo(id);
        // Still there for its owner after the other caller's attempt to delete it.
        assertThat(download(acme, id, "events.ndjson").lines()).hasSize(5);
        admin.delete()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.state")
            .isEqualTo("expired");
    }

    @Test
    void anotherCallersIdempotencyKeyReplaysNothing() {
        WebTestClient acme = Credentials.apiKey(this.client, Credentials.ACME);
        String body = "{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=1\"}]}";
        String id = acme.post()
            .uri("/v1/exports")
            .header("Idempotency-Key", "security-shared-key")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        String acmeId = JsonPath.read(id, "$.id");
        Credentials.apiKey(this.client, Credentials.ZETA)
            .post()
            .uri("/v1/exports")
            .header("Idempotency-Key", "security-shared-key")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isEqualTo(422)
            .expectBody(String.class)
            .value((problem) -> assertThat(problem).contains("is taken").doesNotContain(acmeId));
    }

    @Test
    void anImportJobIsItsOwnersAndNeedsTheWriteScope() {
        WebTestClient acme = Credentials.apiKey(this.client, Credentials.ACME);
        String export = submit(acme, "{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=4\"}]}");
        awaitSuccess(acme, export);
        String request = "{\"manifest\": \"" + export + "/manifest.json\", \"datasets\": {\"events\": \"%s\"}}";
        assertThat(forbiddenImport(acme, request.formatted("tenant-pairs"))).contains("tenant-pairs:write");
        assertThat(forbiddenImport(Credentials.apiKey(this.client, Credentials.ZETA),
                request.formatted("secure-job-events")))
            .contains("is not the manifest of one of your exports");
        String job = JsonPath.read(acme.post()
            .uri("/v1/imports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(request.formatted("secure-job-events"))
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody(), "$.id");
        notFound(Credentials.apiKey(this.client, Credentials.ZETA).get().uri("/v1/imports/" + job).exchange());
        notFound(Credentials.apiKey(this.client, Credentials.ZETA).delete().uri("/v1/imports/" + job).exchange());
        await().atMost(Duration.ofMinutes(2))
            .untilAsserted(() -> acme.get()
                .uri("/v1/imports/" + job)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo("succeeded"));
        Credentials.apiKey(this.client, Credentials.ADMIN)
            .get()
            .uri("/v1/imports/" + job)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.progress.inserted")
            .isEqualTo(4);
    }

    @Test
    void anImportJobIntoATenantDatasetTakesOnlyTheSubmittersRows() {
        WebTestClient acme = Credentials.apiKey(this.client, Credentials.ACME);
        // acme's rows of tenant_items above 20: the even ids 22 to 40.
        String export = submit(acme, "{\"parts\": [{\"dataset\": \"tenant-items\", \"query\": \"id=gt.20\"}]}");
        awaitSuccess(acme, export);
        String request = "{\"manifest\": \"" + export
                + "/manifest.json\", \"datasets\": {\"tenant-items\": \"tenant-imports\"}}";
        // An administrator of another tenant may name the manifest, and gets every row
        // refused, and nothing written.
        WebTestClient zetaOperator = Credentials.bearer(this.client, Credentials.token("zeta-operator",
                Map.of("scope", "sluice:admin items:write items:read", "tenant", "zeta")));
        String refused = awaitImport(zetaOperator, submitImport(zetaOperator, request));
        assertThat(JsonPath.<String>read(refused, "$.state")).isEqualTo("failed");
        assertThat(JsonPath.<String>read(refused, "$.error")).contains("must hold your tenant, 'zeta'");
        String imported = awaitImport(acme, submitImport(acme, request));
        assertThat(JsonPath.<String>read(imported, "$.state")).as(imported).isEqualTo("succeeded");
        assertThat(JsonPath.<Integer>read(imported, "$.progress.inserted")).isEqualTo(10);
        assertThat(ids(acme, "tenant-imports", "id=gte.21&id=lte.40")).containsExactly(22, 24, 26, 28, 30, 32, 34, 36,
                38, 40);
        assertThat(ids(zetaOperator, "tenant-imports", "id=gte.21&id=lte.40")).isEmpty();
    }

    @Test
    void aManifestIsImportedOnlyByWhoMayDownloadIt() {
        WebTestClient acme = Credentials.apiKey(this.client, Credentials.ACME);
        WebTestClient zeta = Credentials.apiKey(this.client, Credentials.ZETA);
        String export = submit(acme, "{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=3\"}]}");
        awaitSuccess(acme, export);
        String request = "{\"manifest\": \"%s\", \"datasets\": {\"events\": \"items-copy\"}}";
        // Another caller's export, one this server does not have, and a file copied into
        // storage from elsewhere: the same 403, so the answer tells no one whose is
        // which.
        String others = forbiddenImport(zeta, request.formatted(export + "/manifest.json"));
        String missing = forbiddenImport(zeta, request.formatted(UUID.randomUUID() + "/manifest.json"));
        String elsewhere = forbiddenImport(zeta, request.formatted("from-elsewhere/manifest.json"));
        for (String detail : List.of(others, missing, elsewhere)) {
            assertThat(detail).contains("is not the manifest of one of your exports")
                .contains("takes the administrator scope sluice:admin")
                .contains("yours has events:export, events:read, items:export");
        }
        assertThat(others.replace(export, "ID")).isEqualTo(missing.replaceAll("'[0-9a-f-]{36}/", "'ID/"));
        // An administrator gets past that check: then the file must exist.
        Credentials.apiKey(this.client, Credentials.ADMIN)
            .post()
            .uri("/v1/imports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(request.formatted("from-elsewhere/manifest.json"))
            .exchange()
            .expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.detail")
            .value(String.class, (detail) -> assertThat(detail).contains("There is no file 'from-elsewhere/"));
    }

    private static String forbiddenImport(WebTestClient client, String body) {
        String problem = client.post()
            .uri("/v1/imports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isForbidden()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return JsonPath.read(problem, "$.detail");
    }

    private static String submitImport(WebTestClient client, String body) {
        return JsonPath.read(client.post()
            .uri("/v1/imports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody(), "$.id");
    }

    private static String importStatus(WebTestClient client, String id) {
        return client.get()
            .uri("/v1/imports/" + id)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    private static String awaitImport(WebTestClient client, String id) {
        await().atMost(Duration.ofMinutes(2))
            .until(() -> JsonPath.<String>read(importStatus(client, id), "$.state"),
                    (state) -> !state.equals("queued") && !state.equals("running"));
        return importStatus(client, id);
    }

    private static List<Integer> ids(WebTestClient client, String dataset, String query) {
        String body = client.get()
            .uri("/v1/datasets/" + dataset + "/rows?select=id&" + query)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return (body == null) ? List.of() : body.lines().map((row) -> JsonPath.<Integer>read(row, "$.id")).toList();
    }

    private static String submit(WebTestClient client, String body) {
        String response = client.post()
            .uri("/v1/exports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return JsonPath.read(response, "$.id");
    }

    private static String status(WebTestClient client, String id) {
        return client.get()
            .uri("/v1/exports/" + id)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    private static String awaitSuccess(WebTestClient client, String id) {
        await().atMost(Duration.ofMinutes(2))
            .until(() -> JsonPath.<String>read(status(client, id), "$.state"),
                    (state) -> !state.equals("queued") && !state.equals("running"));
        String status = status(client, id);
        assertThat(JsonPath.<String>read(status, "$.state")).as(status).isEqualTo("succeeded");
        return status;
    }

    private static String download(WebTestClient client, String id, String name) {
        return client.get()
            .uri("/v1/exports/" + id + "/files/" + name)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    private static String history(WebTestClient client) {
        return client.get()
            .uri("/v1/exports?limit=100")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    private static void notFound(WebTestClient.ResponseSpec response) {
        response.expectStatus()
            .isNotFound()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .returnResult();
    }

}
