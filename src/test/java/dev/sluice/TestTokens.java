package dev.sluice;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Signs JWTs for the security tests with an RSA key made here, and serves its public JWK
 * set from a loopback HTTP server, so the server checks tokens as it would against an
 * issuer, without the internet. Also a second key the server does not know.
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.sluice.test";

    private static TestTokens shared;

    private final RSAKey key;

    private final RSAKey stranger;

    private final HttpServer server;

    private TestTokens() throws JOSEException, IOException {
        this.key = new RSAKeyGenerator(2048).keyID("sluice-test").generate();
        this.stranger = new RSAKeyGenerator(2048).keyID("sluice-test").generate();
        byte[] jwks = new JWKSet(this.key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/jwks", (exchange) -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(jwks);
            }
        });
        this.server.start();
    }

    public static synchronized TestTokens shared() {
        if (shared == null) {
            try {
                shared = new TestTokens();
            }
            catch (JOSEException | IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return shared;
    }

    public String jwkSetUri() {
        return "http://" + this.server.getAddress().getAddress().getHostAddress() + ":"
                + this.server.getAddress().getPort() + "/jwks";
    }

    /**
     * A token of the issuer for {@code subject}, valid for an hour, with these claims.
     */
    public String token(String subject, Map<String, Object> claims) {
        return sign(this.key, subject, ISSUER, Instant.now().plus(Duration.ofHours(1)), claims);
    }

    /** A token signed by a key the server does not know. */
    public String forged(String subject, Map<String, Object> claims) {
        return sign(this.stranger, subject, ISSUER, Instant.now().plus(Duration.ofHours(1)), claims);
    }

    /** A token that expired an hour ago. */
    public String expired(String subject, Map<String, Object> claims) {
        return sign(this.key, subject, ISSUER, Instant.now().minus(Duration.ofHours(1)), claims);
    }

    /** A token of another issuer. */
    public String otherIssuer(String subject, Map<String, Object> claims) {
        return sign(this.key, subject, "https://elsewhere.test", Instant.now().plus(Duration.ofHours(1)), claims);
    }

    private static String sign(RSAKey key, String subject, String issuer, Instant expiry, Map<String, Object> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject(subject)
            .issuer(issuer)
            .issueTime(Date.from(expiry.minus(Duration.ofHours(2))))
            .expirationTime(Date.from(expiry));
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                builder.build());
        try {
            jwt.sign(new RSASSASigner(key));
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
        return jwt.serialize();
    }

    /** Points the server's JWT decoder at the loopback JWK set. */
    public static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + shared().jwkSetUri())
                .applyTo(context);
        }

    }

}
