package dev.sluice.export;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.KeyOrder;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Submits export jobs, waits for them and downloads their files, over HTTP. */
final class Exports {

    private final WebTestClient client;

    Exports(WebTestClient client) {
        this.client = client.mutate()
            .codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(256 * 1024 * 1024))
            .responseTimeout(Duration.ofMinutes(2))
            .build();
    }

    /** The client, with room for whole files. */
    WebTestClient client() {
        return this.client;
    }

    /** Submits and returns the new job's id, checking the 202 answer. */
    String submit(String body) {
        String response = this.client.post()
            .uri("/v1/exports")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus()
            .isAccepted()
            .expectHeader()
            .exists("Location")
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
        return JsonPath.read(response, "$.id");
    }

    String status(String id) {
        return get("/v1/exports/" + id);
    }

    /** A JSON answer that must be 200. */
    String get(String uri) {
        return this.client.get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    }

    String state(String id) {
        return JsonPath.read(status(id), "$.state");
    }

    /** Waits until the job has left queued and running; returns its status. */
    String awaitEnd(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String status = status(id);
            String state = JsonPath.read(status, "$.state");
            if (!state.equals("queued") && !state.equals("running")) {
                return status;
            }
            sleep(50);
        }
        return fail("Export " + id + " did not end within " + timeout + ": " + status(id));
    }

    String awaitSuccess(String id) {
        String status = awaitEnd(id, Duration.ofSeconds(120));
        assertThat((String) JsonPath.read(status, "$.state")).as(status).isEqualTo("succeeded");
        return status;
    }

    byte[] download(String id, String name) {
        return this.client.get()
            .uri("/v1/exports/" + id + "/files/" + name)
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.OK)
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody();
    }

    /**
     * What the rows endpoint streams for the same selection, checked to be in key order
     * as PostgreSQL compares the keys (unless the query orders otherwise): a file equal
     * to it is in order too.
     */
    byte[] streamed(String dataset, String query, String format) {
        byte[] body = this.client.get()
            .uri("/v1/datasets/" + dataset + "/rows?" + query + (query.isEmpty() ? "" : "&") + "format=" + format)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(byte[].class)
            .returnResult()
            .getResponseBody();
        if (!query.contains("order=")) {
            Map.Entry<List<String>, List<String>> key = KeyOrder.keyOf(get("/v1/datasets/" + dataset));
            KeyOrder.assertAscending(body, format, key.getKey(), key.getValue());
        }
        return body;
    }

    static Map<String, Object> file(String status, String name) {
        List<Map<String, Object>> files = JsonPath.read(status, "$.files");
        return files.stream()
            .filter((file) -> name.equals(file.get("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No file " + name + " in " + status));
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

}
