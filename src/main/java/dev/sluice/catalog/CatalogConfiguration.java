package dev.sluice.catalog;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    // Startup is the one place that waits: nothing is served before the catalog is known.
    @Bean
    Catalog catalog(CatalogProperties properties, DatabaseClient database) {
        return new CatalogLoader(database).load(properties).block(Duration.ofMinutes(1));
    }

}
