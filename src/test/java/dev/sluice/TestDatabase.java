package dev.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.core.io.ClassPathResource;

/**
 * A real PostgreSQL for tests and the demo, started once per JVM: Testcontainers'
 * PostgreSQL where a Docker engine answers, otherwise an embedded one from the zonky
 * binaries (no Docker, no system PostgreSQL). Set {@code -Dsluice.test.database=embedded}
 * or {@code =docker} to choose.
 */
public final class TestDatabase {

    private static TestDatabase shared;

    private final String host;

    private final int port;

    private final String database;

    private final String username;

    private final String password;

    private TestDatabase(String host, int port, String database, String username, String password) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.username = username;
        this.password = password;
    }

    /** The database the tests share, with the fixtures of db/fixtures.sql. */
    public static synchronized TestDatabase shared() {
        if (shared == null) {
            shared = start();
            shared.run("db/fixtures.sql");
        }
        return shared;
    }

    /** A new database server; it stops when the JVM exits. */
    public static TestDatabase start() {
        String choice = System.getProperty("sluice.test.database", "auto");
        if (choice.equals("docker") || (choice.equals("auto") && dockerAvailable())) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:" + majorVersion() + "-alpine")
                .withCommand("postgres", "-c", "max_connections=200");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new TestDatabase(container.getHost(), container.getFirstMappedPort(), container.getDatabaseName(),
                    container.getUsername(), container.getPassword());
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres)));
            return new TestDatabase("localhost", postgres.getPort(), "postgres", "postgres", "");
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Embedded PostgreSQL did not start", ex);
        }
    }

    /**
     * The PostgreSQL major version the tests run on: the embedded binaries' version that
     * the build passes on (17 where nothing does, as in the demo).
     */
    public static int majorVersion() {
        String version = System.getProperty("sluice.test.postgres-version", "17");
        return Integer.parseInt(version.split("\\.")[0]);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        }
        catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        }
        catch (IOException ex) {
            // the JVM is exiting; the data directory is temporary
        }
    }

    public String host() {
        return this.host;
    }

    public int port() {
        return this.port;
    }

    public String username() {
        return this.username;
    }

    public String password() {
        return this.password;
    }

    public String r2dbcUrl() {
        return r2dbcUrl(this.host, this.port);
    }

    public String r2dbcUrl(String host, int port) {
        return "r2dbc:postgresql://" + host + ":" + port + "/" + this.database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
    }

    /** A JDBC connection for setting up and checking, never on a request path. */
    public Connection jdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), this.username, this.password);
    }

    /**
     * Runs a SQL script from the classpath (statements separated by lines that end with a
     * semicolon).
     */
    public void run(String script) {
        try (Connection connection = jdbc(); Statement statement = connection.createStatement()) {
            statement.execute(new ClassPathResource(script).getContentAsString(StandardCharsets.UTF_8));
        }
        catch (SQLException | IOException ex) {
            throw new IllegalStateException("Script " + script + " failed", ex);
        }
    }

}
