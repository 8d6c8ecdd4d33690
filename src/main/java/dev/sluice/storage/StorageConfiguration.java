package dev.sluice.storage;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The storage that {@code sluice.storage.type} names: local unless S3 is configured. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    Storage storage(StorageProperties properties) {
        return switch (properties.type()) {
            case LOCAL -> new LocalStorage(properties.local());
            case S3 -> new S3Storage(properties.s3());
        };
    }

}
