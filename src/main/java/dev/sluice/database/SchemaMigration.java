package dev.sluice.database;

import io.r2dbc.spi.ConnectionFactoryOptions;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.stereotype.Component;

/**
 * Brings Sluice's own tables (the export jobs) up to date with Flyway at startup, before
 * anything uses them. Flyway needs JDBC: the URL is derived from the R2DBC settings, so a
 * deployment configures its database once ({@code sluice.database.jdbc-url} overrides).
 */
@Component
public class SchemaMigration {

    public SchemaMigration(R2dbcConnectionDetails connection, DatabaseProperties properties) {
        ConnectionFactoryOptions options = connection.getConnectionFactoryOptions();
        String url = (properties.jdbcUrl() != null) ? properties.jdbcUrl() : jdbcUrl(options);
        Flyway.configure()
            .dataSource(url, text(options.getValue(ConnectionFactoryOptions.USER)),
                    text(options.getValue(ConnectionFactoryOptions.PASSWORD)))
            .locations("classpath:db/migration")
            .table("sluice_schema_history")
            // Sluice lives in a database that already has tables (the ones it serves).
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate();
    }

    static String jdbcUrl(ConnectionFactoryOptions options) {
        Object port = options.getValue(ConnectionFactoryOptions.PORT);
        return "jdbc:postgresql://" + options.getRequiredValue(ConnectionFactoryOptions.HOST)
                + ((port != null) ? ":" + port : "") + "/" + text(options.getValue(ConnectionFactoryOptions.DATABASE));
    }

    private static @Nullable String text(@Nullable Object value) {
        return (value instanceof CharSequence sequence) ? sequence.toString() : null;
    }

}
