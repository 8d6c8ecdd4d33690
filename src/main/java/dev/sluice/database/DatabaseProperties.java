package dev.sluice.database;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Session settings Sluice pins on every connection, because the text forms it streams
 * depend on them.
 *
 * @param timeZone the session TimeZone: timestamptz values are written in it
 * @param preparedStatementCacheSize prepared statements kept per connection (SQL text
 * varies with the selection)
 * @param jdbcUrl the JDBC URL for the schema migration, when the one derived from the
 * R2DBC settings does not fit (SSL options, for example)
 * @param statementTimeout PostgreSQL's {@code statement_timeout} for Sluice's sessions: a
 * query is cancelled when one round trip (the first page of a stream, each next page, any
 * other statement) runs longer. Imports, which run for as long as their body takes to
 * arrive, are exempt. Zero: no limit
 */
@ConfigurationProperties("sluice.database")
public record DatabaseProperties(@DefaultValue("UTC") String timeZone,
        @DefaultValue("128") int preparedStatementCacheSize, @Nullable String jdbcUrl,
        @DefaultValue("5m") Duration statementTimeout) {
}
