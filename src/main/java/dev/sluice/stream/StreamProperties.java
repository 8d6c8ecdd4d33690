package dev.sluice.stream;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How rows are streamed.
 *
 * @param fetchSize rows per database round trip (a page of the portal); a dataset may
 * override it
 * @param chunkSize bytes encoded before they are written as one HTTP chunk
 */
@ConfigurationProperties("sluice.stream")
public record StreamProperties(@DefaultValue("2000") int fetchSize, @DefaultValue("32KB") DataSize chunkSize) {
}
