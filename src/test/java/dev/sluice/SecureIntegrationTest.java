package dev.sluice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole server with security on (profiles {@code test} and {@code secure}): API keys,
 * JWTs signed by {@link TestTokens} and checked against its loopback JWK set, datasets
 * bound to tenants. Shares the test database with {@link IntegrationTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ContextConfiguration(initializers = { TestDatabaseInitializer.class, TestTokens.Initializer.class })
@Import(ResponseBytes.class)
@ActiveProfiles({ "test", "secure" })
public @interface SecureIntegrationTest {

}
