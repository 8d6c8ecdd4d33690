package dev.sluice.security;

import java.util.Map;

import dev.sluice.TestTokens;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The credentials application-secure.yml configures, and tokens of the test issuer. */
final class Credentials {

    static final String ACME = "acme-reader-key";

    static final String ZETA = "zeta-reader-key";

    static final String NO_SCOPES = "no-scope-key";

    static final String ADMIN = "admin-key";

    static final String METRICS = "metrics-key";

    private Credentials() {
    }

    static WebTestClient apiKey(WebTestClient client, String key) {
        return client.mutate().defaultHeader("X-API-Key", key).build();
    }

    static WebTestClient bearer(WebTestClient client, String token) {
        return client.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
    }

    static String token(String subject, Map<String, Object> claims) {
        return TestTokens.shared().token(subject, claims);
    }

}
