package dev.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.util.FileSystemUtils;
import org.springframework.util.unit.DataSize;

import dev.sluice.storage.StorageProperties;

/**
 * Adobe S3Mock as its own process (in-process it would bring a second Spring Boot
 * application onto the test classpath), started once per test JVM from the standalone jar
 * that the build copies to {@code target/s3mock/s3mock.jar}. Its output goes to
 * {@code target/s3mock/s3mock.log}; it stops when the JVM exits, and its store (a
 * temporary directory) goes with it.
 */
public final class S3MockServer {

    private static final String BUCKET = "sluice-test";

    private static final Path JAR = Path.of("target", "s3mock", "s3mock.jar");

    private static final Path LOG = Path.of("target", "s3mock", "s3mock.log");

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private static S3MockServer shared;

    private final URI endpoint;

    private final S3Client client;

    private final Process process;

    private S3MockServer(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
        this.client = S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .build();
    }

    /** The server the tests share, with an empty bucket {@link #bucket()}. */
    public static synchronized S3MockServer shared() {
        if (shared == null) {
            // Quick to start: the tests move little data.
            shared = start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                    LOG.getParent().toAbsolutePath());
        }
        return shared;
    }

    /**
     * A server of its own for moving gigabytes: the full JIT (the tests' C1-only JIT is
     * built for a quick start) and its store in memory where {@code /dev/shm} exists, so
     * the benchmark measures Sluice rather than this machine's disk.
     */
    public static S3MockServer forThroughput() {
        Path memory = Path.of("/dev/shm");
        return start(List.of("-Xmx1g"), Files.isWritable(memory) ? memory : LOG.getParent().toAbsolutePath());
    }

    /** The CPU time its process has used so far. */
    public Duration cpuTime() {
        return this.process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static S3MockServer start(List<String> jvmOptions, Path storeParent) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the tests through Maven "
                    + "(process-test-resources copies it), e.g. ./mvnw test -Dtest=...");
        }
        try {
            long started = System.nanoTime();
            int httpPort = freePort();
            Files.createDirectories(LOG.getParent());
            // S3Mock deletes only a store it created itself: this one is deleted on exit
            Path root = Files.createTempDirectory(storeParent, "sluice-s3mock-");
            List<String> command = new ArrayList<>(List.of(javaExecutable()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", JAR.toString(), "--http.port=" + httpPort,
                    // server.port is its HTTPS port (9191 by default): 0 picks a free one
                    "--server.port=0", "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                    "--com.adobe.testing.s3mock.store.root=" + root,
                    "--com.adobe.testing.s3mock.store.retain-files-on-exit=false", "--spring.main.banner-mode=off"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(LOG.toFile())
                .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(process);
                FileSystemUtils.deleteRecursively(root.toFile());
            }));
            URI endpoint = URI.create("http://127.0.0.1:" + httpPort);
            awaitBucket(process, endpoint);
            System.out.printf("S3Mock started at %s in %.1f s%n", endpoint, (System.nanoTime() - started) / 1e9);
            return new S3MockServer(endpoint, process);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("S3Mock did not start", ex);
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Polls until the bucket answers: S3Mock initialises lazily and creates its initial
     * buckets on the first request.
     */
    private static void awaitBucket(Process process, URI endpoint) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/" + BUCKET))
            .timeout(Duration.ofSeconds(10))
            .build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "S3Mock exited with " + process.exitValue() + " while starting. Its output:\n" + output());
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (IOException ex) {
                // not listening yet, or not answering yet
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                stop(process);
                throw new IllegalStateException("Interrupted while waiting for S3Mock", ex);
            }
            sleep(100);
        }
        stop(process);
        throw new IllegalStateException("S3Mock did not answer at " + endpoint + " within " + STARTUP.toSeconds()
                + " s. Its output:\n" + output());
    }

    private static String output() {
        try {
            String output = Files.readString(LOG, StandardCharsets.UTF_8);
            return (output.length() > 20_000) ? output.substring(output.length() - 20_000) : output;
        }
        catch (IOException ex) {
            return "(" + LOG + " unreadable: " + ex.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for S3Mock", ex);
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Its HTTP endpoint. */
    public URI endpoint() {
        return this.endpoint;
    }

    /** A bucket that exists. */
    public String bucket() {
        return BUCKET;
    }

    /**
     * Settings for the bucket (path-style, dummy credentials) with the given part size
     * and two parts in flight.
     */
    public StorageProperties.S3 settings(String prefix, DataSize partSize) {
        return settings(BUCKET, prefix, partSize);
    }

    /** Settings for any bucket of this server, existing or not. */
    public StorageProperties.S3 settings(String bucket, String prefix, DataSize partSize) {
        return new StorageProperties.S3(bucket, prefix, this.endpoint, "us-east-1", true, "test", "test", partSize, 2,
                Duration.ofMinutes(5));
    }

    /** A synchronous client for setting up and checking, never on a request path. */
    public S3Client client() {
        return this.client;
    }

}
