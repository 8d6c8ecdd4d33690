package dev.sluice.web;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * A response that is compressed in the negotiated coding if, once its headers are known,
 * it turns out to be of a compressible type and size. Every compressible response says
 * {@code Vary: Accept-Encoding}, whichever coding it was sent in.
 */
final class CompressedResponse extends ServerHttpResponseDecorator {

    private final ServerWebExchange exchange;

    private final @Nullable ContentCoding coding;

    private final ResponseCompression compression;

    CompressedResponse(ServerWebExchange exchange, @Nullable ContentCoding coding, ResponseCompression compression) {
        super(exchange.getResponse());
        this.exchange = exchange;
        this.coding = coding;
        this.compression = compression;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        ContentCoding chosen = decide();
        if (chosen == null) {
            return super.writeWith(body);
        }
        Compressor compressor = chosen.compressor();
        return super.writeWith(Flux.from(body)
            .map((chunk) -> compress(compressor, chunk))
            .concatWith(Mono.fromSupplier(() -> finish(compressor)))
            .doFinally((signal) -> close(compressor)));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        ContentCoding chosen = decide();
        if (chosen == null) {
            return super.writeAndFlushWith(body);
        }
        Compressor compressor = chosen.compressor();
        Flux<Publisher<DataBuffer>> parts = Flux.from(body)
            .map((part) -> Flux.from(part).map((chunk) -> compress(compressor, chunk)));
        Publisher<DataBuffer> end = Mono.fromSupplier(() -> finish(compressor));
        return super.writeAndFlushWith(parts.concatWith(Mono.just(end)).doFinally((signal) -> close(compressor)));
    }

    @Override
    public Mono<Void> setComplete() {
        // No body: a HEAD answers with the headers its GET would have had.
        decide(this.exchange.getRequest().getMethod() == HttpMethod.HEAD);
        return super.setComplete();
    }

    private @Nullable ContentCoding decide() {
        return decide(true);
    }

    /**
     * Sets the headers for the coding the body is sent in; the coding, or null for
     * identity.
     */
    private @Nullable ContentCoding decide(boolean encode) {
        HttpHeaders headers = getHeaders();
        if (!hasBody() || !this.compression.compressible(this.exchange, headers)) {
            return null;
        }
        if (!headers.getVary().contains(HttpHeaders.ACCEPT_ENCODING)) {
            headers.add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        }
        if (!encode || this.coding == null || !this.compression.largeEnough(headers.getContentLength())) {
            return null;
        }
        headers.set(HttpHeaders.CONTENT_ENCODING, this.coding.token());
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        return this.coding;
    }

    private boolean hasBody() {
        HttpStatus status = HttpStatus.resolve(getStatusCode() != null ? getStatusCode().value() : 200);
        return status != HttpStatus.NO_CONTENT && status != HttpStatus.NOT_MODIFIED
                && (status == null || !status.is1xxInformational());
    }

    private DataBuffer compress(Compressor compressor, DataBuffer chunk) {
        try {
            byte[] compressed;
            synchronized (compressor) {
                try (DataBuffer.ByteBufferIterator buffers = chunk.readableByteBuffers()) {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    while (buffers.hasNext()) {
                        ByteBuffer buffer = buffers.next();
                        out.writeBytes(compressor.compress(buffer));
                    }
                    compressed = out.toByteArray();
                }
            }
            return bufferFactory().wrap(compressed);
        }
        finally {
            DataBufferUtils.release(chunk);
        }
    }

    private DataBuffer finish(Compressor compressor) {
        synchronized (compressor) {
            return bufferFactory().wrap(compressor.finish());
        }
    }

    // The body may be cancelled (client gone) on another thread than the one compressing.
    private static void close(Compressor compressor) {
        synchronized (compressor) {
            compressor.close();
        }
    }

}
