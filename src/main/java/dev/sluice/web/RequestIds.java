package dev.sluice.web;

import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request an id, returned in {@code X-Request-Id} and put on the log lines
 * Sluice writes for the request (as {@code requestId}), so that a client's report and the
 * server's log meet. An incoming {@code X-Request-Id} is kept when it is short and plain
 * (letters, digits, {@code . _ : -}, at most 64): anything else could forge or break log
 * lines, and is replaced.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RequestIds implements WebFilter {

    public static final String HEADER = "X-Request-Id";

    /** The key of the id in the Reactor context and in the logging MDC. */
    public static final String KEY = "requestId";

    private static final String ATTRIBUTE = RequestIds.class.getName() + ".id";

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** The request's id, or null outside this filter. */
    public static @Nullable String of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = sane(exchange.getRequest().getHeaders().getFirst(HEADER));
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        return chain.filter(exchange).contextWrite((context) -> context.put(KEY, id));
    }

    static String sane(@Nullable String incoming) {
        return (incoming != null && SANE.matcher(incoming).matches()) ? incoming : UUID.randomUUID().toString();
    }

}
