package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

import dev.sluice.DemoData;
import dev.sluice.ServerProcess;
import dev.sluice.TestDatabase;
import dev.sluice.bench.StreamBenchmark.Measurement;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Phase (6): every row of {@code demo_events}, exported as NDJSON, imported into an empty
 * copy of the table through {@code POST /v1/datasets/{name}/rows} with the server at
 * {@code -Xmx64m}, beside PostgreSQL's own {@code COPY ... FROM STDIN (FORMAT csv)} of the
 * same rows through pgjdbc's CopyManager. Each run starts from an empty table; the
 * server's import runs once to warm up first.
 */
final class ImportBenchmark {

    static final String TABLE = "demo_events_import";

    private static final Path NDJSON = Path.of("target", "bench-import.ndjson");

    private static final Path CSV = Path.of("target", "bench-import.csv");

    private final TestDatabase database;

    private final HttpClient http;

    private final List<String> serverJvmArguments;

    private final long rows;

    private final JsonMapper json = JsonMapper.builder().build();

    ImportBenchmark(TestDatabase database, HttpClient http, List<String> serverJvmArguments, long rows) {
        this.database = database;
        this.http = http;
        this.serverJvmArguments = serverJvmArguments;
        this.rows = rows;
    }

    /** What phase (6) measured. */
    record Result(Measurement copy, Measurement warmUp, Measurement imported, ServerMemory memory) {

        String format() {
            StringBuilder report = new StringBuilder();
            line(report, "%-44s %9s %13s %9s %10s%n", "", "seconds", "rows/s", "MB/s", "MB");
            row(report, "(6a) PostgreSQL COPY FROM STDIN csv, best of 2", this.copy);
            row(report, "     warm-up: server import (not compared)", this.warmUp);
            row(report, "(6b) server import, NDJSON, empty table", this.imported);
            line(report, "(6b)/(6a) rows/s: %.2f%n", this.imported.rowsPerSecond() / this.copy.rowsPerSecond());
            line(report, "server memory during (6b): peak heap used %.1f MiB of %.1f MiB, peak RSS %s%n",
                    this.memory.peakHeapUsed() / 1048576.0, this.memory.maxHeap() / 1048576.0,
                    (this.memory.peakRss() < 0) ? "n/a"
                            : String.format(Locale.ROOT, "%.1f MiB", this.memory.peakRss() / 1048576.0));
            return report.toString();
        }

        private static void row(StringBuilder report, String label, Measurement measurement) {
            line(report, "%-44s %9.2f %13s %9.1f %10.1f%n", label, measurement.seconds(),
                    String.format(Locale.ROOT, "%,.0f", measurement.rowsPerSecond()),
                    measurement.megabytesPerSecond(), measurement.bytes() / 1e6);
        }

        private static void line(StringBuilder report, String format, Object... arguments) {
            report.append(String.format(Locale.ROOT, format, arguments));
        }

    }

    Result run() throws Exception {
        sql("DROP TABLE IF EXISTS " + TABLE + "; CREATE TABLE " + TABLE + " (LIKE " + DemoData.TABLE
                + " INCLUDING ALL)");
        StreamBenchmark.log("(6) writing the rows to %s and %s", NDJSON, CSV);
        long csvBytes = copyOut();
        Measurement first = copyIn(csvBytes);
        Measurement second = copyIn(csvBytes);
        Measurement copy = (first.nanos() <= second.nanos()) ? first : second;
        List<String> arguments = List.of("--sluice.datasets." + TABLE + ".table=" + TABLE,
                "--sluice.datasets." + TABLE + ".key=id");
        try (ServerProcess server = ServerProcess.start(BenchServer.class, this.database, this.serverJvmArguments,
                arguments, Path.of("target", "bench-server-import.log"), this.http)) {
            StreamBenchmark.log("(6) exporting NDJSON through the server");
            download(server.uri("/v1/datasets/" + DemoData.TABLE + "/rows"));
            StreamBenchmark.log("(6) warm-up import");
            Measurement warmUp = post(server);
            resetPeaks(server);
            StreamBenchmark.log("(6) import");
            Measurement imported = post(server);
            ServerMemory memory = this.json.readValue(get(server.uri("/bench/memory")), ServerMemory.class);
            return new Result(copy, warmUp, imported, memory);
        }
    }

    private Measurement post(ServerProcess server) throws Exception {
        sql("TRUNCATE " + TABLE);
        HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/datasets/" + TABLE + "/rows"))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofFile(NDJSON))
            .build();
        long start = System.nanoTime();
        HttpResponse<String> response = this.http.send(request, BodyHandlers.ofString());
        long nanos = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The import answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode report = this.json.readTree(response.body());
        long inserted = report.get("inserted").asLong();
        if (inserted != this.rows) {
            throw new IllegalStateException("The import inserted " + inserted + " rows, expected " + this.rows);
        }
        return new Measurement(inserted, Files.size(NDJSON), nanos);
    }

    private void download(URI uri) throws IOException, InterruptedException {
        HttpResponse<Path> response = this.http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofFile(NDJSON,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
        }
    }

    private long copyOut() throws SQLException, IOException {
        try (Connection connection = this.database.jdbc(); OutputStream out = Files.newOutputStream(CSV)) {
            new CopyManager(connection.unwrap(BaseConnection.class))
                .copyOut("COPY " + DemoData.TABLE + " TO STDOUT (FORMAT csv)", out);
        }
        return Files.size(CSV);
    }

    private Measurement copyIn(long bytes) throws SQLException, IOException {
        sql("TRUNCATE " + TABLE);
        try (Connection connection = this.database.jdbc(); InputStream in = Files.newInputStream(CSV)) {
            CopyManager copyManager = new CopyManager(connection.unwrap(BaseConnection.class));
            long start = System.nanoTime();
            long copied = copyManager.copyIn("COPY " + TABLE + " FROM STDIN (FORMAT csv)", in, 64 * 1024);
            Measurement measurement = new Measurement(copied, bytes, System.nanoTime() - start);
            if (copied != this.rows) {
                throw new IllegalStateException("COPY FROM STDIN wrote " + copied + " rows, expected " + this.rows);
            }
            return measurement;
        }
    }

    private void resetPeaks(ServerProcess server) throws IOException, InterruptedException {
        this.http.send(HttpRequest.newBuilder(server.uri("/bench/memory/reset"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(), BodyHandlers.discarding());
    }

    private String get(URI uri) throws IOException, InterruptedException {
        return this.http.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body();
    }

    private void sql(String statements) throws SQLException {
        try (Connection connection = this.database.jdbc(); Statement statement = connection.createStatement()) {
            statement.execute(statements);
        }
    }

}
