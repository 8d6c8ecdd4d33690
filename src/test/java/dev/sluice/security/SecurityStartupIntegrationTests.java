package dev.sluice.security;

import dev.sluice.SluiceApplication;
import dev.sluice.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The production profile turns security on, and a server with security on and no
 * credential configured refuses to start, rather than serving nobody or everybody.
 */
class SecurityStartupIntegrationTests {

    @Test
    void theProductionProfileRefusesToStartWithoutCredentials() {
        assertThatThrownBy(() -> start("test", "prod").close()).rootCause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no credential is configured")
            .hasMessageContaining("sluice.security.api-keys")
            .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
    }

    @Test
    void theProductionProfileStartsWithAnApiKey() {
        try (ConfigurableApplicationContext context = start("test", "prod", "--sluice.security.api-keys[0].name=one",
                "--sluice.security.api-keys[0].sha256=" + "ab".repeat(32))) {
            assertThat(context.getBean(SecurityProperties.class).enabled()).isTrue();
        }
    }

    private static ConfigurableApplicationContext start(String first, String second, String... arguments) {
        TestDatabase database = TestDatabase.shared();
        String[] all = new String[arguments.length + 5];
        all[0] = "--spring.r2dbc.url=" + database.r2dbcUrl();
        all[1] = "--spring.r2dbc.username=" + database.username();
        all[2] = "--spring.r2dbc.password=" + database.password();
        all[3] = "--server.port=0";
        // No job workers: this context only starts and stops.
        all[4] = "--sluice.exports.worker=false";
        System.arraycopy(arguments, 0, all, 5, arguments.length);
        return new SpringApplicationBuilder(SluiceApplication.class).profiles(first, second)
            .properties("sluice.import-jobs.worker=false")
            .run(all);
    }

}
