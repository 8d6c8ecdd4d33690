package dev.sluice.ingest;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code sluice.imports.*}: the limits of synchronous imports.
 *
 * @param maxLineLength the longest line (a CSV record: all its lines) accepted; a longer
 * one is rejected
 * @param maxBodySize the largest body, counted after gzip is undone; past it the import
 * is aborted with 413
 * @param concurrentImports imports this replica runs at once; past it a request gets 503
 * with Retry-After
 * @param retryAfter what Retry-After says when every import slot is taken
 * @param maxReportedErrors errors listed in an answer; how many more there were is
 * counted
 * @param chunkSize bytes sent to PostgreSQL per COPY message
 */
@ConfigurationProperties("sluice.imports")
public record ImportProperties(@DefaultValue("1MB") DataSize maxLineLength, @DefaultValue("10GB") DataSize maxBodySize,
        @DefaultValue("2") int concurrentImports, @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("100") int maxReportedErrors, @DefaultValue("64KB") DataSize chunkSize) {

    public ImportProperties {
        require(maxLineLength.toBytes() >= 1 && maxLineLength.toBytes() <= Integer.MAX_VALUE / 4,
                "sluice.imports.max-line-length must be between 1 byte and 512 MB");
        require(maxBodySize.toBytes() >= 1, "sluice.imports.max-body-size must be positive");
        require(concurrentImports >= 1, "sluice.imports.concurrent-imports must be at least 1");
        require(maxReportedErrors >= 1, "sluice.imports.max-reported-errors must be at least 1");
        require(chunkSize.toBytes() >= 1024 && chunkSize.toBytes() <= 64 * 1024 * 1024,
                "sluice.imports.chunk-size must be between 1 KB and 64 MB");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

}
