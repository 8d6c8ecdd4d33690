package dev.sluice;

import org.springframework.boot.SpringApplication;

/**
 * The demo: {@code ./mvnw spring-boot:test-run} starts an embedded PostgreSQL, seeds
 * {@code demo_events} with 1,000,000 rows ({@code -Dsluice.demo.rows=N} for another size)
 * and serves it on port 8080.
 */
public class TestSluiceApplication {

    public static void main(String[] args) {
        TestDatabase database = TestDatabase.start();
        long rows = Long.getLong("sluice.demo.rows", 1_000_000L);
        DemoData.create(database, rows);
        String[] arguments = new String[args.length + 3];
        arguments[0] = "--spring.r2dbc.url=" + database.r2dbcUrl();
        arguments[1] = "--spring.r2dbc.username=" + database.username();
        arguments[2] = "--spring.r2dbc.password=" + database.password();
        System.arraycopy(args, 0, arguments, 3, args.length);
        SpringApplication.from(SluiceApplication::main).withAdditionalProfiles("demo").run(arguments);
    }

}
