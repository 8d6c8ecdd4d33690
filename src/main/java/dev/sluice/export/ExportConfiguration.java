package dev.sluice.export;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker runs unless {@code sluice.exports.worker=false} (a replica that only
 * serves).
 */
@Configuration(proxyBeanMethods = false)
class ExportConfiguration {

    @Bean
    @ConditionalOnProperty(name = "sluice.exports.worker", havingValue = "true", matchIfMissing = true)
    ExportWorker exportWorker(ExportRunner runner, Expiry expiry) {
        return new ExportWorker(runner, expiry);
    }

}
