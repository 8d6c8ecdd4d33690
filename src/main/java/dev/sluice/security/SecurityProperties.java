package dev.sluice.security;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication and authorization. JWTs are configured with Spring Boot's own
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties.
 *
 * @param enabled whether callers need a credential; off, every caller may do everything
 * @param adminScope the scope of administrators, who see and cancel every job
 * @param apiKeys the API keys for service-to-service calls, sent as {@code X-API-Key}
 */
@ConfigurationProperties("sluice.security")
public record SecurityProperties(@DefaultValue("true") boolean enabled, @DefaultValue("sluice:admin") String adminScope,
        List<ApiKey> apiKeys) {

    public SecurityProperties {
        apiKeys = (apiKeys != null) ? List.copyOf(apiKeys) : List.of();
    }

    /**
     * One API key, stored as its hash only.
     *
     * @param name the caller's name (the owner of its jobs), never the key
     * @param sha256 the hex SHA-256 of the key
     * @param scopes what the key may do
     * @param claims claims as a token would carry them (a tenant, for example)
     */
    public record ApiKey(String name, String sha256, @Nullable List<String> scopes,
            @Nullable Map<String, String> claims) {
    }

}
