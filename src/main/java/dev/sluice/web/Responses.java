package dev.sluice.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
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
        Channel channel = channel(response);
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * Whether the connection under the response is still open; true where there is no
     * such connection to ask.
     */
    public static boolean isOpen(ServerHttpResponse response) {
        Channel channel = channel(response);
        return channel == null || channel.isOpen();
    }

    /**
     * Emits when the connection under the response closes. The body publisher is not
     * always cancelled when the client goes away (in about one of 800 aborted downloads
     * its stream saw neither demand nor a cancel, holding its query open), so a stream
     * that holds resources also listens for this.
     */
    public static Mono<Boolean> closed(ServerHttpResponse response) {
        Channel channel = channel(response);
        if (channel == null) {
            return Mono.never();
        }
        return Mono.create((sink) -> {
            ChannelFutureListener listener = (future) -> sink.success(true);
            channel.closeFuture().addListener(listener);
            sink.onDispose(() -> channel.closeFuture().removeListener(listener));
        });
    }

    private static @Nullable Channel channel(ServerHttpResponse response) {
        ServerHttpResponse current = response;
        while (current instanceof ServerHttpResponseDecorator decorator) {
            current = decorator.getDelegate();
        }
        if (!(current instanceof AbstractServerHttpResponse server)) {
            return null;
        }
        try {
            return (server.getNativeResponse() instanceof Connection connection) ? connection.channel() : null;
        }
        catch (IllegalStateException ex) {
            // A response without a server under it (a mock) has no connection.
            return null;
        }
    }

}
