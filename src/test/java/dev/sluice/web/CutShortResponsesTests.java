package dev.sluice.web;

import java.io.IOException;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;

import static org.assertj.core.api.Assertions.assertThat;

class CutShortResponsesTests {

    // What r2dbc-postgresql reports when the backend's socket breaks mid-stream.
    private static final Throwable DATABASE_RESET = new R2dbcNonTransientResourceException(
            "Cannot exchange messages because the connection is closed", new IOException("Broken pipe"));

    private final CutShortResponses filter = new CutShortResponses();

    @Test
    void aDatabaseResetAfterTheResponseStartedIsNotTakenForAClientThatWentAway() {
        // The premise: left alone, WebFlux would end this response cleanly.
        assertThat(DisconnectedClientHelper.isClientDisconnectedException(DATABASE_RESET)).isTrue();
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/datasets/x/rows"));
        Mono<Void> failing = exchange.getResponse().setComplete().then(Mono.error(DATABASE_RESET));
        this.filter.filter(exchange, (ignored) -> failing).as(StepVerifier::create).expectErrorSatisfies((error) -> {
            assertThat(error).isInstanceOf(ResponseCutShortException.class);
            assertThat(error.getSuppressed()).containsExactly(DATABASE_RESET);
            assertThat(DisconnectedClientHelper.isClientDisconnectedException(error)).isFalse();
        }).verify();
    }

    @Test
    void anErrorBeforeTheResponseStartedIsLeftForTheProblemHandlers() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/datasets/x/rows"));
        this.filter.filter(exchange, (ignored) -> Mono.error(DATABASE_RESET))
            .as(StepVerifier::create)
            .expectErrorSatisfies((error) -> assertThat(error).isSameAs(DATABASE_RESET))
            .verify();
    }

}
