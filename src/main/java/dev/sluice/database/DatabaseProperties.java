package dev.sluice.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Session settings Sluice pins on every connection, because the text forms it streams
 * depend on them.
 *
 * @param timeZone the session TimeZone: timestamptz values are written in it
 * @param preparedStatementCacheSize prepared statements kept per connection (SQL text
 * varies with the selection)
 */
@ConfigurationProperties("sluice.database")
public record DatabaseProperties(@DefaultValue("UTC") String timeZone,
        @DefaultValue("128") int preparedStatementCacheSize) {
}
