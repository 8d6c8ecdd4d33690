package dev.sluice.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.sluice.IntegrationTest;
import dev.sluice.PoolHealth;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Imports that end badly for reasons other than their lines: a client that disconnects
 * mid-upload, more imports than the server runs at once, bodies past the size limit. The
 * table is left as it was, and the pool healthy.
 */
@IntegrationTest
class ImportFailureIntegrationTests {

    private static final String COPYING = "SELECT count(*) FROM pg_stat_activity "
            + "WHERE query LIKE 'COPY %FROM STDIN' AND state = 'active'";

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient client;

    @Autowired
    ConnectionFactory connectionFactory;

    private String before;

    @BeforeEach
    void oneRow() {
        Imports.sql("TRUNCATE import_events; INSERT INTO import_events (id, kind, created_at) "
                + "VALUES (0, 'existing', '2020-01-01')");
        this.before = Imports.fingerprint("import_events");
    }

    @AfterEach
    void empty() {
        Imports.sql("TRUNCATE import_events");
    }

    @Test
    void clientsThatDisconnectMidUploadWriteNothingAndLeaveThePoolHealthy() throws IOException {
        for (boolean chunked : new boolean[] { false, true }) {
            try (Socket upload = upload(chunked)) {
                OutputStream out = upload.getOutputStream();
                send(out, chunked, ImportIntegrationTests.events(1, 9, "click"));
                // The server is copying what it received and waits for more.
                await().atMost(Duration.ofSeconds(10)).until(() -> copying() == 1);
                send(out, chunked, "{\"id\": 10, \"kind\": \"cut");
                upload.setSoLinger(true, 0);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> copying() == 0);
            assertThat(Imports.fingerprint("import_events")).isEqualTo(this.before);
        }
        assertPoolHealthy();
        Imports.Answer next = Imports.post(this.client, "import-events", "", Imports.NDJSON,
                ImportIntegrationTests.events(1, 3, "click"));
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
        assertThat(Imports.count("import_events")).isEqualTo(4);
    }

    @Test
    void importsPastTheLimitGet503WithRetryAfter() throws IOException {
        try (Socket first = upload(true); Socket second = upload(true)) {
            send(first.getOutputStream(), true, ImportIntegrationTests.events(1, 2, "a"));
            send(second.getOutputStream(), true, ImportIntegrationTests.events(3, 4, "b"));
            await().atMost(Duration.ofSeconds(10)).until(() -> copying() == 2);
            Imports.Answer third = Imports.post(this.client, "import-events", "", Imports.NDJSON,
                    ImportIntegrationTests.events(5, 6, "c"));
            assertThat(third.status()).as(third.toString()).isEqualTo(503);
            assertThat(third.headers().getFirst("Retry-After")).isEqualTo("5");
            first.setSoLinger(true, 0);
            second.setSoLinger(true, 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> copying() == 0);
        assertThat(Imports.fingerprint("import_events")).isEqualTo(this.before);
        Imports.Answer later = Imports.post(this.client, "import-events", "", Imports.NDJSON,
                ImportIntegrationTests.events(5, 6, "c"));
        assertThat(later.status()).as(later.toString()).isEqualTo(200);
    }

    @Test
    void bodiesPastTheSizeLimitGet413() throws IOException {
        // The test configuration allows 32 MB: 40 MB of blank lines, 40 KB gzipped.
        byte[] blank = new byte[40 * 1024 * 1024];
        java.util.Arrays.fill(blank, (byte) '\n');
        Imports.Answer bomb = Imports.post(this.client, "import-events", "", Imports.NDJSON, Imports.gzip(blank),
                "Content-Encoding", "gzip");
        assertThat(bomb.status()).as(bomb.toString()).isEqualTo(413);
        assertThat(bomb.body().get("detail").asString()).contains("larger than the limit of 33554432 bytes");
        // A declared length past the limit is refused before the body is read.
        try (Socket declared = new Socket()) {
            declared.connect(new InetSocketAddress("localhost", this.port), 5000);
            declared.setSoTimeout(10_000);
            declared.getOutputStream()
                .write(("POST /v1/datasets/import-events/rows HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/x-ndjson\r\nContent-Length: 40000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(declared.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(response).isEqualTo("HTTP/1.1 413");
        }
        assertThat(Imports.fingerprint("import_events")).isEqualTo(this.before);
    }

    private Socket upload(boolean chunked) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", this.port), 5000);
        String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: 10000000";
        socket.getOutputStream()
            .write(("POST /v1/datasets/import-events/rows HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-ndjson\r\n" + framing + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static void send(OutputStream out, boolean chunked, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (chunked) {
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(bytes);
        if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static long copying() {
        return Long.parseLong(Imports.rows(COPYING).get(0));
    }

    // Nothing lent out, every pooled connection answers, and no session is left in a
    // transaction.
    private void assertPoolHealthy() {
        PoolHealth.assertHealthy(this.connectionFactory);
        assertThat(Imports.rows("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"))
            .containsExactly("0");
    }

}
