package dev.sluice;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Counts the body bytes the server has handed to the connection for requests that carry
 * {@code X-Test-Stream}: how far the server has run ahead of a client is that count minus
 * what the client has read.
 */
public final class ResponseBytes implements WebFilter {

    private static final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();

    public static long produced(String stream) {
        AtomicLong count = produced.get(stream);
        return (count != null) ? count.get() : 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String stream = exchange.getRequest().getHeaders().getFirst("X-Test-Stream");
        if (stream == null) {
            return chain.filter(exchange);
        }
        AtomicLong count = produced.computeIfAbsent(stream, (key) -> new AtomicLong());
        ServerHttpResponseDecorator counting = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                return super.writeWith(
                        Flux.from(body).doOnNext((buffer) -> count.addAndGet(buffer.readableByteCount())));
            }
        };
        return chain.filter(exchange.mutate().response(counting).build());
    }

}
