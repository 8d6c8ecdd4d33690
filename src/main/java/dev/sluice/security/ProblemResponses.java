package dev.sluice.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * 401 and 403 from the security filters as RFC 9457 problems; a 401 says in
 * {@code WWW-Authenticate} which credentials this server takes. Nothing of the presented
 * credential is repeated.
 */
final class ProblemResponses implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    private final JsonMapper json;

    private final boolean jwt;

    private final boolean apiKeys;

    ProblemResponses(JsonMapper json, boolean jwt, boolean apiKeys) {
        this.json = json;
        this.jwt = jwt;
        this.apiKeys = apiKeys;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean presented = (this.jwt && headers.containsHeader(HttpHeaders.AUTHORIZATION))
                || (this.apiKeys && headers.containsHeader(ApiKeys.HEADER));
        String detail = presented ? rejected(ex) : "This endpoint needs a credential: " + accepted() + ".";
        List<String> challenges = new ArrayList<>();
        if (this.jwt) {
            challenges.add((ex instanceof OAuth2AuthenticationException)
                    ? "Bearer realm=\"sluice\", error=\"invalid_token\"" : "Bearer realm=\"sluice\"");
        }
        if (this.apiKeys || !this.jwt) {
            challenges.add("ApiKey realm=\"sluice\", header=\"" + ApiKeys.HEADER + "\"");
        }
        exchange.getResponse().getHeaders().put(HttpHeaders.WWW_AUTHENTICATE, challenges);
        return write(exchange, HttpStatus.UNAUTHORIZED, presented ? "Invalid credential" : "Authentication required",
                detail);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return write(exchange, HttpStatus.FORBIDDEN, "Forbidden",
                "Your credential lacks the scope this endpoint needs. Ask for a credential with the administrator scope"
                        + " or, for metrics, sluice:metrics.");
    }

    private String rejected(AuthenticationException ex) {
        if (ex instanceof OAuth2AuthenticationException) {
            // Spring's descriptions name what failed, never the token itself.
            String description = ((OAuth2AuthenticationException) ex).getError().getDescription();
            return "The bearer token was not accepted" + ((description != null) ? ": " + description : ".")
                    + " Get a new token from the issuer.";
        }
        return "The credential was not accepted. " + String.valueOf(ex.getMessage());
    }

    private String accepted() {
        if (this.jwt && this.apiKeys) {
            return "a bearer JWT in 'Authorization: Bearer …' or an API key in '" + ApiKeys.HEADER + "'";
        }
        return this.jwt ? "a bearer JWT in 'Authorization: Bearer …'" : "an API key in '" + ApiKeys.HEADER + "'";
    }

    private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        return write(exchange, this.json, status, title, detail);
    }

    /** A problem written straight to the response, from a filter. */
    static Mono<Void> write(ServerWebExchange exchange, JsonMapper json, HttpStatus status, String title,
            String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        DataBuffer body = response.bufferFactory().wrap(json.writeValueAsBytes(problem));
        return response.writeWith(Mono.just(body));
    }

}
