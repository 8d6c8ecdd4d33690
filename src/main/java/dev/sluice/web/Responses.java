package dev.sluice.web;

import reactor.netty.Connection;

import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

/** Operations on a response that Spring's abstraction does not offer. */
public final class Responses {

    private Responses() {
    }

    /**
     * Closes the connection under a response that has started, so that the client sees a
     * truncated transfer (no terminating chunk) rather than a clean end. Error handling
     * further down the chain cannot be trusted to do this once the body has begun: a
     * failure there must never look like a complete download.
     */
    public static void abort(ServerHttpResponse response) {
        ServerHttpResponse current = response;
        while (current instanceof ServerHttpResponseDecorator decorator) {
            current = decorator.getDelegate();
        }
        if (current instanceof AbstractServerHttpResponse server
                && server.getNativeResponse() instanceof Connection connection) {
            connection.channel().close();
        }
    }

}
