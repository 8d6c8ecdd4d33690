package dev.sluice.export;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An export job of millions of rows is exactly what the rows endpoint streams: the same
 * lines in the same key order. A job asks for rows from a thread of its own, not the
 * driver's, once its queue of chunks has room; r2dbc-postgresql up to 1.1.1 could then
 * hand rows to it out of order. Small chunks make such requests frequent, as wide rows
 * do.
 */
@IntegrationTest
@Tag("volume")
@TestPropertySource(properties = "sluice.stream.chunk-size=1KB")
class ExportOrderIntegrationTests {

    private static final long ROWS = 3_000_000;

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    @TempDir
    private Path directory;

    @BeforeAll
    static void fill() throws SQLException {
        try (Connection connection = TestDatabase.shared().jdbc();
                Statement statement = connection.createStatement();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO ordered_rows
                        SELECT g, g % 1000, 'row ' || g
                        FROM generate_series((SELECT coalesce(max(id), 0) + 1 FROM ordered_rows), ?) g""")) {
            insert.setLong(1, ROWS);
            insert.executeUpdate();
            statement.execute("VACUUM ANALYZE ordered_rows");
        }
    }

    @Test
    void aJobOfMillionsOfRowsIsTheStreamLineForLine() throws Exception {
        Exports exports = new Exports(this.client);
        String id = exports.submit("{\"parts\": [{\"dataset\": \"ordered\"}]}");
        String status = exports.awaitEnd(id, Duration.ofMinutes(5));
        assertThat((String) JsonPath.read(status, "$.state")).as(status).isEqualTo("succeeded");
        Path file = fetch("/v1/exports/" + id + "/files/ordered.ndjson", "job.ndjson");
        Path stream = fetch("/v1/datasets/ordered/rows", "stream.ndjson");
        assertThat(disorder(stream)).as("places where the stream's next key is not the next key").isEmpty();
        assertThat(disorder(file)).as("places where the job file's next key is not the next key").isEmpty();
        assertThat(Files.mismatch(file, stream)).as("first byte where the job file and the stream differ")
            .isEqualTo(-1);
    }

    private Path fetch(String path, String name) throws IOException, InterruptedException {
        Path target = this.directory.resolve(name);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Path> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
                HttpResponse.BodyHandlers.ofFile(target));
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return target;
    }

    /**
     * The line numbers (from 1) whose key is not one more than the line's before, the
     * first ten of them; every key from 1 to {@link #ROWS} must come once, in order.
     */
    private static List<String> disorder(Path ndjson) throws IOException {
        List<String> places = new ArrayList<>();
        long expected = 1;
        long lines = 0;
        try (BufferedReader reader = Files.newBufferedReader(ndjson, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines++;
                long key = Long.parseLong(line.substring("{\"id\":".length(), line.indexOf(',')));
                if (key != expected && places.size() < 10) {
                    places.add("line " + lines + ": " + key + " where " + expected + " belongs");
                }
                expected = key + 1;
            }
        }
        if (lines != ROWS) {
            places.add(lines + " lines where " + ROWS + " belong");
        }
        return places;
    }

}
