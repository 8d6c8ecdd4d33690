package dev.sluice.web;

import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Compresses responses in the coding the client asks for (see {@link AcceptEncoding}),
 * streaming: each chunk is compressed and flushed as it comes, so backpressure and a
 * failure mid-stream (the connection closed without the terminating chunk) are as without
 * compression. Done here rather than by Netty's compressor, which offers codings few
 * clients decode ({@code *} got snappy), ignores {@code q=0} and sends no Vary.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ResponseCompression implements WebFilter {

    private static final String EXCLUDED = ResponseCompression.class.getName() + ".excluded";

    private final CompressionProperties properties;

    private final List<MediaType> mimeTypes;

    ResponseCompression(CompressionProperties properties) {
        this.properties = properties;
        this.mimeTypes = properties.mimeTypes().stream().map(MediaType::parseMediaType).toList();
    }

    /**
     * Leaves this exchange's response as it is, for bytes that must reach the client
     * unchanged (a stored file, whose ranges and hash count its own bytes).
     */
    public static void exclude(ServerWebExchange exchange) {
        exchange.getAttributes().put(EXCLUDED, Boolean.TRUE);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!this.properties.enabled()) {
            return chain.filter(exchange);
        }
        Optional<ContentCoding> coding = AcceptEncoding
            .choose(exchange.getRequest().getHeaders().getOrEmpty(HttpHeaders.ACCEPT_ENCODING));
        CompressedResponse response = new CompressedResponse(exchange, coding.orElse(null), this);
        return chain.filter(exchange.mutate().response(response).build());
    }

    /** Whether the response, as its headers stand, is one that may be compressed. */
    boolean compressible(ServerWebExchange exchange, HttpHeaders headers) {
        if (exchange.getAttribute(EXCLUDED) != null || headers.containsHeader(HttpHeaders.CONTENT_ENCODING)) {
            return false;
        }
        MediaType type = headers.getContentType();
        return type != null && this.mimeTypes.stream().anyMatch((candidate) -> candidate.equalsTypeAndSubtype(type));
    }

    /** Whether a body of this Content-Length (-1: unknown) is worth compressing. */
    boolean largeEnough(long contentLength) {
        return contentLength < 0 || contentLength >= this.properties.minResponseSize().toBytes();
    }

}
