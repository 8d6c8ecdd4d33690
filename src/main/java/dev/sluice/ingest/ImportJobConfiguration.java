package dev.sluice.ingest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The import job worker runs unless {@code sluice.import-jobs.worker=false}. */
@Configuration(proxyBeanMethods = false)
class ImportJobConfiguration {

    @Bean
    @ConditionalOnProperty(name = "sluice.import-jobs.worker", havingValue = "true", matchIfMissing = true)
    ImportJobWorker importJobWorker(ImportJobRunner runner) {
        return new ImportJobWorker(runner);
    }

}
