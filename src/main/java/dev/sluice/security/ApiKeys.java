package dev.sluice.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.sluice.security.SecurityProperties.ApiKey;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads {@code X-API-Key} and finds the configured key whose SHA-256 it has. Every
 * configured hash is compared, in constant time, so the time taken says nothing about
 * which key came close; the key is never logged or kept.
 */
final class ApiKeys implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

    static final String HEADER = "X-API-Key";

    private final List<Entry> entries;

    ApiKeys(List<ApiKey> keys) {
        this.entries = keys.stream().map(ApiKeys::entry).toList();
    }

    private static Entry entry(ApiKey key) {
        if (key.name() == null || key.name().isBlank()) {
            throw new IllegalStateException("sluice.security.api-keys: every key needs a name");
        }
        byte[] hash;
        try {
            hash = HexFormat.of().parseHex(String.valueOf(key.sha256()).trim());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException(
                    "sluice.security.api-keys: the sha256 of key '" + key.name() + "' is not hexadecimal");
        }
        if (hash.length != 32) {
            throw new IllegalStateException("sluice.security.api-keys: the sha256 of key '" + key.name() + "' has "
                    + hash.length + " bytes, not 32");
        }
        return new Entry(key.name(), hash, (key.scopes() != null) ? key.scopes() : List.of(),
                (key.claims() != null) ? key.claims() : Map.of());
    }

    boolean isEmpty() {
        return this.entries.isEmpty();
    }

    int count() {
        return this.entries.size();
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String key = exchange.getRequest().getHeaders().getFirst(HEADER);
        return (key != null) ? Mono.just(new Presented(key)) : Mono.empty();
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof Presented presented)) {
            return Mono.empty();
        }
        byte[] hash = sha256(presented.key);
        Entry found = null;
        for (Entry entry : this.entries) {
            if (MessageDigest.isEqual(entry.sha256(), hash)) {
                found = entry;
            }
        }
        if (found == null) {
            return Mono
                .error(new BadCredentialsException("The API key in " + HEADER + " is not one this server knows."));
        }
        return Mono.just(new ApiKeyAuthentication(found.name(), found.scopes(), found.claims()));
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private record Entry(String name, byte[] sha256, List<String> scopes, Map<String, String> claims) {
    }

    /** A key as presented, before it is checked; its toString never shows it. */
    private static final class Presented
            extends org.springframework.security.authentication.AbstractAuthenticationToken {

        private final String key;

        Presented(String key) {
            super(List.of());
            this.key = key;
        }

        @Override
        public Object getCredentials() {
            return "[hidden]";
        }

        @Override
        public Object getPrincipal() {
            return "api-key";
        }

        @Override
        public String toString() {
            return "API key [hidden]";
        }

    }

}
