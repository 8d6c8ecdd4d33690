package dev.sluice.security;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * A request the security firewall refuses (an encoded slash or a {@code ..} segment in
 * the path, a header that is not allowed) as a 400 problem, where Spring's own handler
 * sends a bare 400 with no body.
 */
@Component
class RejectedRequests implements ServerExchangeRejectedHandler {

    private final JsonMapper json;

    RejectedRequests(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException ex) {
        return ProblemResponses.write(exchange, this.json, HttpStatus.BAD_REQUEST, "Rejected request",
                ex.getMessage() + ". A path may not hold an encoded slash or backslash, a '..' or '.' segment,"
                        + " or other characters that could read as a different path; export file names are single"
                        + " path segments, as the export's status lists them.");
    }

}
