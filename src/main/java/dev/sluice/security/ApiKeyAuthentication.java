package dev.sluice.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A caller authenticated by an API key: its configured name, scopes and claims. The key
 * itself is not kept.
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final String name;

    private final Map<String, String> claims;

    ApiKeyAuthentication(String name, Collection<String> scopes, Map<String, String> claims) {
        super(List.copyOf(scopes.stream().map((scope) -> new SimpleGrantedAuthority("SCOPE_" + scope)).toList()));
        this.name = name;
        this.claims = Map.copyOf(claims);
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return this.name;
    }

    @Override
    public String getName() {
        return this.name;
    }

    Map<String, String> claims() {
        return this.claims;
    }

}
