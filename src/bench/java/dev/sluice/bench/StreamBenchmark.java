package dev.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.sluice.DemoData;
import dev.sluice.S3MockServer;
import dev.sluice.ServerProcess;
import dev.sluice.TestDatabase;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How fast, and in how little memory, the server streams a large dataset as NDJSON, next
 * to PostgreSQL writing the same rows as JSON itself. A benchmark, not a test:
 * {@code ./mvnw -Pbench verify} with {@code -Dbench.rows} (5,000,000) and
 * {@code -Dbench.clients} (8), and {@code -Dbench.server.jvmArgs} for the server JVM
 * beyond {@code -Xmx64m}.
 * <ol>
 * <li>PostgreSQL's own NDJSON, {@code COPY (SELECT row_to_json(t) ...) TO STDOUT}: the
 * better of two runs</li>
 * <li>one client downloading every row from the server, which runs in a JVM of its own
 * with a 64 MiB heap</li>
 * <li>{@code clients} clients downloading every row at the same time</li>
 * <li>an export job of every row to local storage, submission to success</li>
 * <li>the same to S3Mock (its standalone jar, a process of its own), from a second
 * server configured for it</li>
 * <li>an import of every row, as NDJSON, into an empty table, beside PostgreSQL's
 * {@code COPY ... FROM STDIN (FORMAT csv)} ({@link ImportBenchmark})</li>
 * </ol>
 * {@code -Dbench.phases=import} runs only (6). Every download and both jobs' files are
 * checked: ids 1 to {@code rows} once each, in key order, and the same bytes as the
 * warm-up download (CRC32C for downloads; SHA-256, equal to the job's own, for files).
 * The report goes to stdout and target/bench-report.txt, the server's log to
 * target/bench-server.log.
 */
public final class StreamBenchmark {

    private static final String COPY = "COPY (SELECT row_to_json(t) FROM " + DemoData.TABLE + " t) TO STDOUT";

    private static final String ROWS = "/v1/datasets/" + DemoData.TABLE + "/rows";

    private static final Path TARGET = Path.of("target");

    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private final long rows;

    private final int clients;

    private final List<String> serverJvmArguments;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** For job files, which S3 storage serves by a redirect to a presigned URL. */
    private final HttpClient files = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();

    /** The warm-up download, which every later body must equal. */
    private BodyCheck reference;

    private String referenceSha256;

    private final JsonMapper json = JsonMapper.builder().build();

    /** Bytes the downloads have read so far, to tell a slow server from a stalled one. */
    private final AtomicLong received = new AtomicLong();

    private final boolean importOnly;

    private StreamBenchmark(long rows, int clients, List<String> serverJvmArguments, boolean importOnly) {
        this.rows = rows;
        this.clients = clients;
        this.serverJvmArguments = serverJvmArguments;
        this.importOnly = importOnly;
    }

    public static void main(String[] args) {
        List<String> serverJvmArguments = new ArrayList<>(List.of("-Xmx64m"));
        Arrays.stream(System.getProperty("bench.server.jvmArgs", "").split("\\s+"))
            .filter((argument) -> !argument.isBlank())
            .forEach(serverJvmArguments::add);
        StreamBenchmark benchmark = new StreamBenchmark(Long.getLong("bench.rows", 5_000_000L),
                Integer.getInteger("bench.clients", 8), serverJvmArguments,
                System.getProperty("bench.phases", "all").equals("import"));
        try {
            String report = benchmark.run();
            System.out.print(report);
            Files.writeString(TARGET.resolve("bench-report.txt"), report);
        }
        catch (Exception ex) {
            ex.printStackTrace();
            System.exit(1);
        }
        // The embedded PostgreSQL stops in a shutdown hook; exiting does not wait for
        // stray non-daemon threads.
        System.exit(0);
    }

    private String run() throws Exception {
        log("Starting PostgreSQL");
        TestDatabase database = TestDatabase.start();
        log("Creating %,d rows in %s", this.rows, DemoData.TABLE);
        DemoData.create(database, this.rows);
        ImportBenchmark imports = new ImportBenchmark(database, this.http, this.serverJvmArguments, this.rows);
        if (this.importOnly) {
            return String.format(Locale.ROOT, "Sluice import benchmark: %,d rows of %s, server %s%n", this.rows,
                    DemoData.TABLE, String.join(" ", this.serverJvmArguments)) + imports.run().format();
        }
        log("(1) COPY, two runs");
        Measurement first = copy(database);
        Measurement second = copy(database);
        Measurement copy = (first.nanos() <= second.nanos()) ? first : second;
        log("Starting the server (%s)", String.join(" ", this.serverJvmArguments));
        Report.Phase single;
        Report.Phase concurrent;
        Report.Phase localJob;
        Measurement warmUp;
        List<Measurement> each = new ArrayList<>();
        boolean rssPeakReset;
        // Every client is the same (anonymous) caller: the stream limits must let them all in.
        List<String> limits = List.of("--sluice.limits.max-streams-per-caller=" + Math.max(4, this.clients),
                "--sluice.limits.max-streams=" + Math.max(15, this.clients));
        try (ServerProcess server = ServerProcess.start(BenchServer.class, database, this.serverJvmArguments, limits,
                TARGET.resolve("bench-server.log"), this.http)) {
            URI rows = server.uri(ROWS);
            log("Warm-up download");
            BodyCheck warmUpCheck = BodyCheck.sha256();
            warmUp = downloads(rows, 1, new ArrayList<>(), () -> warmUpCheck);
            warmUpCheck.expect(this.rows, null, "The warm-up download");
            this.referenceSha256 = warmUpCheck.sha256Hex();
            this.reference = warmUpCheck;
            log("(2) one client");
            rssPeakReset = resetPeaks(server);
            CpuUse.Start cpu = CpuUse.start(server::cpuTime, () -> Duration.ZERO);
            single = new Report.Phase(downloads(rows, 1, new ArrayList<>(), BodyCheck::crc), memory(server),
                    cpu.stop());
            log("(3) %d clients", this.clients);
            rssPeakReset &= resetPeaks(server);
            cpu = CpuUse.start(server::cpuTime, () -> Duration.ZERO);
            concurrent = new Report.Phase(downloads(rows, this.clients, each, BodyCheck::crc), memory(server),
                    cpu.stop());
            log("(4) export job to local storage");
            rssPeakReset &= resetPeaks(server);
            cpu = CpuUse.start(server::cpuTime, () -> Duration.ZERO);
            localJob = new Report.Phase(exportJob(server), memory(server), cpu.stop());
        }
        log("Starting S3Mock and a server that exports to it");
        S3MockServer s3 = S3MockServer.forThroughput();
        Report.Phase s3Job;
        try (ServerProcess server = ServerProcess.start(BenchServer.class, database, this.serverJvmArguments,
                List.of("--sluice.storage.type=s3", "--sluice.storage.s3.endpoint=" + s3.endpoint(),
                        "--sluice.storage.s3.bucket=" + s3.bucket(), "--sluice.storage.s3.path-style-access=true",
                        "--sluice.storage.s3.access-key=test", "--sluice.storage.s3.secret-key=test"),
                TARGET.resolve("bench-server-s3.log"), this.http)) {
            log("Warm-up download");
            downloads(server.uri(ROWS), 1, new ArrayList<>(), BodyCheck::crc);
            log("(5) export job to S3Mock");
            rssPeakReset &= resetPeaks(server);
            CpuUse.Start cpu = CpuUse.start(server::cpuTime, s3::cpuTime);
            s3Job = new Report.Phase(exportJob(server), memory(server), cpu.stop());
        }
        String report = new Report(this.rows, this.clients, this.serverJvmArguments, copy, warmUp, single, concurrent,
                each, localJob, s3Job, rssPeakReset, this.referenceSha256)
            .format();
        return report + System.lineSeparator() + imports.run().format();
    }

    /**
     * One export job of the whole table, from submission to {@code succeeded} (polled
     * every 100 ms); its files are deleted afterwards.
     */
    private Measurement exportJob(ServerProcess server) throws Exception {
        JsonNode job = runJob(server);
        long rows = job.get("progress").get("rows").asLong();
        Measurement measurement = new Measurement(rows, job.get("progress").get("bytes").asLong(), job.get("nanos")
            .asLong());
        expectRows(rows, "Export job " + job.get("id").asString());
        checkFile(server, job);
        this.http.send(HttpRequest.newBuilder(server.uri("/v1/exports/" + job.get("id").asString())).DELETE().build(),
                BodyHandlers.discarding());
        return measurement;
    }

    /**
     * The job's file, downloaded as a client would, must be the stream's bytes: the same
     * SHA-256 as the warm-up download and as the job states, and ids in key order.
     */
    private void checkFile(ServerProcess server, JsonNode job) throws IOException, InterruptedException {
        JsonNode file = job.get("files").get(0);
        String what = "Export job " + job.get("id").asString() + "'s file " + file.get("name").asString();
        String stated = file.get("sha256").asString();
        if (!stated.equals(this.referenceSha256)) {
            throw new IllegalStateException(what + " states sha256 " + stated + ", the stream's is "
                    + this.referenceSha256);
        }
        URI url = server.uri(file.get("url").asString());
        HttpResponse<InputStream> response = this.files.send(HttpRequest.newBuilder(url).build(),
                BodyHandlers.ofInputStream());
        BodyCheck check = BodyCheck.sha256();
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            byte[] buffer = new byte[64 * 1024];
            for (int read = body.read(buffer); read != -1; read = body.read(buffer)) {
                check.update(buffer, 0, read);
            }
        }
        check.expect(this.rows, this.reference, what);
        String actual = check.sha256Hex();
        if (!actual.equals(stated)) {
            throw new IllegalStateException(what + " has sha256 " + actual + ", the job states " + stated);
        }
        log("%s: %,d rows in key order, sha256 %s, equal to the stream", what, check.lines(), actual);
    }

    /** Submits a job of the whole table and waits for its success; the status gains "nanos". */
    private JsonNode runJob(ServerProcess server) throws Exception {
        HttpRequest submit = HttpRequest.newBuilder(server.uri("/v1/exports"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"parts\": [{\"dataset\": \"" + DemoData.TABLE + "\"}]}"))
            .build();
        long start = System.nanoTime();
        HttpResponse<String> accepted = this.http.send(submit, BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("POST /v1/exports answered " + accepted.statusCode() + ": "
                    + accepted.body());
        }
        URI status = server.uri("/v1/exports/" + this.json.readTree(accepted.body()).get("id").asString());
        while (true) {
            JsonNode job = this.json.readTree(get(HttpRequest.newBuilder(status).build()));
            String state = job.get("state").asString();
            if (state.equals("succeeded")) {
                long nanos = System.nanoTime() - start;
                return ((ObjectNode) job).put("nanos", nanos);
            }
            if (!state.equals("queued") && !state.equals("running")) {
                throw new IllegalStateException("Export job " + status + " ended " + state + ": " + job);
            }
            Thread.sleep(100);
        }
    }

    /**
     * PostgreSQL's NDJSON straight to a sink, through the same kind of socket the server
     * reads from.
     */
    private Measurement copy(TestDatabase database) throws SQLException, IOException {
        try (Connection connection = database.jdbc()) {
            CopyManager copyManager = new CopyManager(connection.unwrap(BaseConnection.class));
            CountingSink sink = new CountingSink();
            long start = System.nanoTime();
            long copied = copyManager.copyOut(COPY, sink);
            Measurement measurement = new Measurement(copied, sink.bytes, System.nanoTime() - start);
            expectRows(copied, "COPY");
            return measurement;
        }
    }

    /**
     * {@code count} downloads started together, each on a thread of its own; the
     * aggregate is their rows over the wall time. The first failure fails them all, and
     * so does a stall: a server that stops sending without closing the connection would
     * otherwise hang the benchmark, as the JDK client has no read timeout.
     */
    private Measurement downloads(URI uri, int count, List<Measurement> each, Supplier<BodyCheck> checks)
            throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(count);
        try {
            CompletionService<Measurement> downloads = new ExecutorCompletionService<>(executor);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                downloads.submit(() -> download(uri, checks.get()));
            }
            while (each.size() < count) {
                each.add(next(downloads).get());
            }
            return new Measurement(each.stream().mapToLong(Measurement::rows).sum(),
                    each.stream().mapToLong(Measurement::bytes).sum(), System.nanoTime() - start);
        }
        finally {
            executor.shutdownNow();
        }
    }

    private Future<Measurement> next(CompletionService<Measurement> downloads) throws InterruptedException {
        long received = this.received.get();
        while (true) {
            Future<Measurement> done = downloads.poll(STALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (done != null) {
                return done;
            }
            if (this.received.get() == received) {
                throw new IllegalStateException(
                        "The server sent nothing for " + STALL_TIMEOUT.toSeconds() + " s; see target/bench-server.log");
            }
            received = this.received.get();
        }
    }

    /**
     * Every row through a real HTTP client; each line is a row. No Accept-Encoding, so no
     * gzip.
     */
    private Measurement download(URI uri, BodyCheck check) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .header("Accept", "application/x-ndjson")
            .timeout(STALL_TIMEOUT)
            .build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = this.http.send(request, BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] buffer = new byte[64 * 1024];
            for (int read = body.read(buffer); read != -1; read = body.read(buffer)) {
                this.received.addAndGet(read);
                check.update(buffer, 0, read);
            }
        }
        catch (IOException ex) {
            throw new IOException(String.format(Locale.ROOT,
                    "GET %s broke off after %,d rows; see target/bench-server.log", uri, check.lines()), ex);
        }
        Measurement measurement = new Measurement(check.lines(), check.bytes(), System.nanoTime() - start);
        check.expect(this.rows, this.reference, "GET " + uri);
        return measurement;
    }

    private boolean resetPeaks(ServerProcess server) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/bench/memory/reset"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
        return this.json.readTree(get(request)).get("rssPeakReset").asBoolean();
    }

    private ServerMemory memory(ServerProcess server) throws IOException, InterruptedException {
        return this.json.readValue(get(HttpRequest.newBuilder(server.uri("/bench/memory")).build()),
                ServerMemory.class);
    }

    private String get(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(request, BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        return response.body();
    }

    private void expectRows(long actual, String what) {
        if (actual != this.rows) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "%s gave %,d rows, expected %,d", what, actual, this.rows));
        }
    }

    static void log(String format, Object... arguments) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, arguments));
    }

    /** Rows and bytes moved in a time. */
    record Measurement(long rows, long bytes, long nanos) {

        double seconds() {
            return this.nanos / 1e9;
        }

        double rowsPerSecond() {
            return this.rows / seconds();
        }

        double megabytesPerSecond() {
            return this.bytes / 1e6 / seconds();
        }

    }

    /**
     * Counts what COPY writes and keeps none of it (a FilterOutputStream would write byte
     * by byte).
     */
    private static final class CountingSink extends OutputStream {

        private long bytes;

        @Override
        public void write(int b) {
            this.bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            this.bytes += len;
        }

    }

}
