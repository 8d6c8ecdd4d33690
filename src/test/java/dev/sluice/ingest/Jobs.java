package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Export and import jobs over HTTP, for the import job tests. */
final class Jobs {

    private static final JsonMapper json = JsonMapper.builder().build();

    private final WebTestClient client;

    Jobs(WebTestClient client) {
        this.client = client.mutate().responseTimeout(Duration.ofMinutes(1)).build();
    }

    /** Runs an export job to its success; the key of its manifest. */
    String export(String body) {
        Answer submitted = post("/v1/exports", body);
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        String id = submitted.body().get("id").asString();
        JsonNode status = awaitEnd("/v1/exports/" + id);
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("succeeded");
        return id + "/manifest.json";
    }

    /** Submits an import job, checking the 202; its id. */
    String submitImport(String body) {
        Answer submitted = post("/v1/imports", body);
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        assertThat(submitted.location()).isEqualTo("/v1/imports/" + submitted.body().get("id").asString());
        return submitted.body().get("id").asString();
    }

    /** Imports to the end; the final status. */
    JsonNode runImport(String body) {
        return awaitEnd("/v1/imports/" + submitImport(body));
    }

    /** Posts JSON, with headers given as name, value, name, value... */
    Answer post(String uri, String body, String... headers) {
        return answer(this.client.post().uri(uri).contentType(MediaType.APPLICATION_JSON).headers((h) -> {
            for (int i = 0; i < headers.length; i += 2) {
                h.add(headers[i], headers[i + 1]);
            }
        }).bodyValue(body).exchange().expectBody().returnResult());
    }

    Answer delete(String uri) {
        return answer(this.client.delete().uri(uri).exchange().expectBody().returnResult());
    }

    JsonNode status(String uri) {
        Answer answer = answer(this.client.get().uri(uri).exchange().expectBody().returnResult());
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.body();
    }

    /** Polls a job until it is neither queued nor running. */
    JsonNode awaitEnd(String uri) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = status(uri);
            String state = status.get("state").asString();
            if (!state.equals("queued") && !state.equals("running")) {
                return status;
            }
            sleep(50);
        }
        return fail(uri + " did not end within 2 minutes: " + status(uri));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Rows of {@code a} missing from {@code b} and of {@code b} missing from {@code a}.
     */
    static List<String> difference(String a, String b) {
        List<String> missing = new java.util.ArrayList<>(
                Imports.rows("SELECT 'only in " + a + "', * FROM (TABLE " + a + " EXCEPT TABLE " + b + ") d"));
        missing.addAll(Imports.rows("SELECT 'only in " + b + "', * FROM (TABLE " + b + " EXCEPT TABLE " + a + ") d"));
        return missing;
    }

    private static Answer answer(EntityExchangeResult<byte[]> result) {
        byte[] bytes = result.getResponseBody();
        String text = (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
        String location = (result.getResponseHeaders().getLocation() != null)
                ? result.getResponseHeaders().getLocation().toString() : null;
        return new Answer(result.getStatus().value(), text, text.isEmpty() ? json.nullNode() : json.readTree(text),
                location, result.getResponseHeaders().getFirst("Retry-After"),
                result.getResponseHeaders().getFirst("Idempotent-Replayed"));
    }

    record Answer(int status, String text, JsonNode body, String location, String retryAfter, String replayed) {
    }

}
