package dev.sluice;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server in a JVM of its own, on the caller's classpath, against the test database:
 * for a benchmark (its heap and resident set are the server's alone) and for tests that
 * kill a server. Its output goes to a log file.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;

    private final URI baseUri;

    private final Path log;

    private ServerProcess(Process process, URI baseUri, Path log) {
        this.process = process;
        this.baseUri = baseUri;
        this.log = log;
    }

    /**
     * Starts the server and returns once {@code GET /v1/datasets} answers 200.
     * @param mainClass the application class to run
     * @param arguments further application arguments, such as
     * {@code --spring.profiles.active=test}
     */
    public static ServerProcess start(Class<?> mainClass, TestDatabase database, List<String> jvmArguments,
            List<String> arguments, Path log, HttpClient http) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArguments);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(),
                "--spring.r2dbc.url=" + database.r2dbcUrl(), "--spring.r2dbc.username=" + database.username(),
                "--spring.r2dbc.password=" + database.password(), "--server.port=" + port));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Also when the benchmark is interrupted (Ctrl-C) rather than failing.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        ServerProcess server = new ServerProcess(process, URI.create("http://localhost:" + port), log);
        try {
            server.awaitReady(http);
            return server;
        }
        catch (InterruptedException | RuntimeException ex) {
            server.close();
            throw ex;
        }
    }

    public URI uri(String path) {
        return this.baseUri.resolve(path);
    }

    private void awaitReady(HttpClient http) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/datasets")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!this.process.isAlive()) {
                throw new IllegalStateException(
                        "The server exited with " + this.process.exitValue() + "; see " + this.log);
            }
            try {
                if (http.send(request, BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (IOException ex) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("The server was not ready within " + STARTUP_TIMEOUT + "; see " + this.log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Kills the server as {@code kill -9} would: nothing runs on its way out. */
    /** The CPU time the server's process has used so far. */
    public Duration cpuTime() {
        return this.process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * Sends SIGTERM, as an orchestrator stopping the replica would, and returns at once.
     */
    public void terminate() {
        this.process.destroy();
    }

    /** Waits for the process to end; false if it did not within {@code wait}. */
    public boolean awaitExit(Duration wait) throws InterruptedException {
        return this.process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void kill() throws InterruptedException {
        this.process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        this.process.destroy();
        if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
            this.process.destroyForcibly().waitFor();
        }
    }

}
