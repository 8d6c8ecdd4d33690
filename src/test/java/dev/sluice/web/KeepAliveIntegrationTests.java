package dev.sluice.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A keep-alive connection keeps serving requests whatever order its answers finish in.
 * <p>
 * A client may send its next request before the server has finished with the previous one
 * (a response with a Content-Length is complete for the client before the server's last
 * write is done): the server then queues the request. Reactor Netty up to 1.3.7 stopped
 * reading such a connection for good when the queued request was answered at once (an
 * error found before any I/O) while its end-of-request marker was still queued: the next
 * request stayed unread in the socket, and its client waited until its own timeout
 * (ExportJobsIntegrationTests.cancelOfAQueuedJobIsImmediate waited 2 minutes for a POST
 * after a 400).
 */
@IntegrationTest
class KeepAliveIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void aKeepAliveConnectionReadsTheNextRequestAfterAQueuedOneWasAnsweredAtOnce() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", this.port), 5000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // In one write: the first is answered once the database has answered, so the
            // second is queued behind it; the second is a 400 decided before any I/O.
            out.write((request("/v1/exports?limit=1") + request("/v1/exports?state=done"))
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 400").contains("'state' is one of");
            out.write(request("/v1/datasets/events").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("\"name\":\"events\"");
            }
            catch (SocketTimeoutException ex) {
                fail("No answer within 20 s to a request on a keep-alive connection whose previous request"
                        + " was queued and answered at once: the server stopped reading the connection", ex);
            }
        }
    }

    private static String request(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n";
    }

    // The status line, the headers and the body of one response (Content-Length or
    // chunked).
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder response = new StringBuilder();
        long length = -1;
        boolean chunked = false;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            response.append(line).append("\r\n");
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            }
            else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        response.append("\r\n");
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0; size = Long
                .parseLong(line(in).split(";")[0].trim(), 16)) {
                response.append(new String(in.readNBytes((int) size), StandardCharsets.UTF_8));
                line(in);
            }
            line(in);
        }
        else if (length > 0) {
            response.append(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
        }
        return response.toString();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("The connection closed mid-response");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

}
