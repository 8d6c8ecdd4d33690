package dev.sluice.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Compression of responses, negotiated by Accept-Encoding (see {@link AcceptEncoding}).
 *
 * @param enabled whether responses are compressed at all
 * @param mimeTypes the content types that are compressed (parameters are ignored)
 * @param minResponseSize a response with a smaller Content-Length is sent as it is; a
 * streamed one (no Content-Length) is always compressed
 */
@ConfigurationProperties("sluice.compression")
public record CompressionProperties(@DefaultValue("true") boolean enabled, @DefaultValue( {
        "application/x-ndjson", "text/csv", "application/json", "application/problem+json" }) List<String> mimeTypes,
        @DefaultValue("1KB") DataSize minResponseSize){
}
