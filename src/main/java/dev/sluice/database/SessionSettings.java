package dev.sluice.database;

import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.codec.Codec;
import io.r2dbc.postgresql.extension.CodecRegistrar;
import reactor.core.publisher.Mono;

import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Pins the session settings that decide PostgreSQL's text forms, so that output does not
 * depend on the database's defaults: the driver itself sends DateStyle=ISO and
 * extra_float_digits=2 (shortest exact floats); Sluice adds the time zone, postgres-style
 * intervals and hex bytea. Also registers the codec that hands out those text forms.
 */
@Configuration(proxyBeanMethods = false)
class SessionSettings {

    @Bean
    ConnectionFactoryOptionsBuilderCustomizer sluiceSessionSettings(DatabaseProperties properties) {
        Codec<?> textForm = new TextFormCodec();
        CodecRegistrar registrar = (connection, allocator, registry) -> {
            registry.addFirst(textForm);
            return Mono.empty();
        };
        return (builder) -> builder
            .option(PostgresqlConnectionFactoryProvider.OPTIONS,
                    Map.of("IntervalStyle", "postgres", "bytea_output", "hex"))
            .option(PostgresqlConnectionFactoryProvider.TIME_ZONE, TimeZone.getTimeZone(properties.timeZone()))
            .option(PostgresqlConnectionFactoryProvider.PREPARED_STATEMENT_CACHE_QUERIES,
                    properties.preparedStatementCacheSize())
            .option(PostgresqlConnectionFactoryProvider.STATEMENT_TIMEOUT, properties.statementTimeout())
            .option(PostgresqlConnectionFactoryProvider.EXTENSIONS, List.of(registrar));
    }

}
