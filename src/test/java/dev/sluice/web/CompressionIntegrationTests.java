package dev.sluice.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.sluice.IntegrationTest;
import dev.sluice.RawHttp;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accept-Encoding negotiated as RFC 9110 says, against the real server: the coding sent,
 * Vary on every response that could have been compressed, and a failure mid-stream still
 * visible through gzip.
 */
@IntegrationTest
class CompressionIntegrationTests {

    private static final String ROWS = "/v1/datasets/events/rows";

    // The JDK client sends no Accept-Encoding of its own and decodes nothing.
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            gzip                     | gzip
            *                        | gzip
            GZip;Q=0.5               | gzip
            br;q=1, gzip;q=0.5       | gzip
            gzip, identity           | gzip
            identity, *;q=0.1        | none
            gzip;q=0, br             | none
            *;q=0                    | none
            br, zstd, snappy         | none
            gzip;q=0.2, identity;q=0.5 | none
            gzip;q=2                 | none
            none                     | none
            """)
    void theCodingFollowsAcceptEncoding(@Nullable String acceptEncoding, @Nullable String coding) throws Exception {
        HttpResponse<byte[]> plain = get(ROWS, null);
        HttpResponse<byte[]> response = get(ROWS, acceptEncoding);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).isEqualTo(java.util.Optional.ofNullable(coding));
        assertThat(response.headers().allValues("Vary")).contains("Accept-Encoding");
        byte[] body = (coding != null) ? gunzip(response.body()) : response.body();
        assertThat(body).isEqualTo(plain.body());
    }

    @Test
    void aSmallProblemIsSentAsItIsButStillVaries() throws Exception {
        HttpResponse<byte[]> response = get("/v1/datasets/nope/rows", "gzip");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(response.headers().allValues("Vary")).contains("Accept-Encoding");
        assertThat(new String(response.body())).contains("\"status\":404");
    }

    @Test
    void aFailureMidStreamIsStillATruncatedTransfer() throws IOException {
        try (RawHttp download = RawHttp.get(this.port, "/v1/datasets/wide-doomed/rows",
                Map.of("Accept-Encoding", "gzip"))) {
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.headers().toLowerCase()).contains("content-encoding: gzip");
            assertThat(download.readToEnd()).as("the body ended with the zero-length chunk").isFalse();
            assertThat(download.bodyBytes()).isPositive();
        }
    }

    private HttpResponse<byte[]> get(String path, @Nullable String acceptEncoding)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

}
