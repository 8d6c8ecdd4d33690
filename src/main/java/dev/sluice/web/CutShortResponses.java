package dev.sluice.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * A response that fails after it has started ends as a cut-short transfer, never as a
 * clean one. WebFlux completes a committed response normally when the error looks like a
 * client that went away ("broken pipe", "connection reset by peer" anywhere in its
 * causes), and reactor-netty then writes the terminating chunk. A database connection
 * reset mid-stream looks exactly like that, so while the client's connection is still
 * open such an error is closed off here and handed on as
 * {@link ResponseCutShortException}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CutShortResponses implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpResponse response = exchange.getResponse();
        return chain.filter(exchange)
            .onErrorMap((error) -> response.isCommitted() && Responses.isOpen(response)
                    && !(error instanceof ResponseCutShortException), (error) -> {
                        Responses.abort(response);
                        return new ResponseCutShortException(error);
                    });
    }

}
