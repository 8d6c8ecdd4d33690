package dev.sluice.web;

import java.io.IOException;
import java.util.UUID;

import dev.sluice.IntegrationTest;
import dev.sluice.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused before any controller sees them are problem documents too, sent over a
 * plain socket so that nothing normalises the request on the way.
 */
@IntegrationTest
class FrameworkProblemsIntegrationTests {

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /v1/exports/{id}/files/..%2F..%2Fpom.xml   | 400 | Rejected request
            GET    | /v1/exports/{id}/files/%2e%2e%2fpom.xml     | 400 | Rejected request
            GET    | /v1/exports/{id}/files/a%5Cb                | 400 | Rejected request
            GET    | /v1/datasets/events/rows?kind=eq.%zz        | 400 | Bad Request
            PUT    | /v1/datasets/events/rows                    | 405 | Method Not Allowed
            DELETE | /v1/datasets/events/rows                    | 405 | Method Not Allowed
            POST   | /v1/exports                                 | 415 | Unsupported Media Type
            """)
    void refusalsAreProblems(String method, String path, int status, String title) throws IOException {
        String response = RawHttp.exchange(this.port,
                method + " " + path.replace("{id}", UUID.randomUUID().toString()) + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(response).startsWith("HTTP/1.1 " + status + " ");
        String lower = response.toLowerCase();
        assertThat(lower).as(response).contains("content-type: application/problem+json");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(body).as(response)
            .contains("\"title\":\"" + title + "\"")
            .contains("\"status\":" + status)
            .contains("\"detail\":");
    }

    @Test
    void aRequestLineThatDoesNotParseIsAProblem() throws IOException {
        String response = RawHttp.exchange(this.port,
                "GET /v1/datasets HTTP/1.1 junk\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 ");
        assertThat(response.toLowerCase()).as(response).contains("content-type: application/problem+json");
        assertThat(response).contains("\"status\":400").contains("is not valid HTTP/1.1");
    }

    @Test
    void anAcceptThatAllowsNoRepresentationIsAProblem() throws IOException {
        String response = RawHttp.exchange(this.port,
                "GET /v1/exports HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 406 ");
        assertThat(response.toLowerCase()).as(response).contains("content-type: application/problem+json");
        assertThat(response).contains("\"status\":406").contains("\"detail\":");
    }

}
