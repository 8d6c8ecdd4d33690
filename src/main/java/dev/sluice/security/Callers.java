package dev.sluice.security;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;

/**
 * Resolves a controller's {@link Caller} parameter from the request's authentication (an
 * API key or a JWT): its name, its {@code SCOPE_} authorities and its claims.
 */
final class Callers implements HandlerMethodArgumentResolver {

    private static final String SCOPE = "SCOPE_";

    private final SecurityProperties properties;

    private final DatasetPolicies policies;

    Callers(SecurityProperties properties, DatasetPolicies policies) {
        this.properties = properties;
        this.policies = policies;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
            ServerWebExchange exchange) {
        if (!this.properties.enabled()) {
            return Mono.just(Caller.anyone());
        }
        return exchange.getPrincipal()
            .map(this::caller)
            // The filter chain lets no request without a credential this far; if one got
            // here, it may do nothing.
            .defaultIfEmpty(Caller.nobody(this.policies, this.properties.adminScope()))
            .cast(Object.class);
    }

    private Caller caller(Principal principal) {
        if (!(principal instanceof Authentication authentication)) {
            return Caller.of(principal.getName(), Set.of(), Map.of(), this.properties.adminScope(), this.policies);
        }
        Set<String> scopes = authentication.getAuthorities()
            .stream()
            .map(GrantedAuthority::getAuthority)
            .filter((authority) -> authority != null && authority.startsWith(SCOPE))
            .map((authority) -> authority.substring(SCOPE.length()))
            .collect(Collectors.toSet());
        Map<String, String> claims = Map.of();
        if (authentication instanceof ApiKeyAuthentication apiKey) {
            claims = apiKey.claims();
        }
        else if (authentication instanceof JwtAuthenticationToken jwt) {
            claims = jwt.getToken()
                .getClaims()
                .entrySet()
                .stream()
                .filter((claim) -> claim.getValue() instanceof String || claim.getValue() instanceof Number
                        || claim.getValue() instanceof Boolean)
                .collect(Collectors.toMap(Map.Entry::getKey, (claim) -> claim.getValue().toString()));
        }
        return Caller.of(authentication.getName(), scopes, claims, this.properties.adminScope(), this.policies);
    }

}
