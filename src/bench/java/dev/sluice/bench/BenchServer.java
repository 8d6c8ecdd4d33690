package dev.sluice.bench;

import dev.sluice.SluiceApplication;

import org.springframework.boot.SpringApplication;

/**
 * The server as the benchmark starts it, in a JVM of its own: the application with the
 * {@code demo} datasets and the {@code /bench/memory} endpoints. The database comes in as
 * arguments ({@code --spring.r2dbc.url=...}).
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) {
        SpringApplication.from(SluiceApplication::main)
            .with(BenchMemoryConfiguration.class)
            .withAdditionalProfiles("demo")
            .run(args);
    }

}
