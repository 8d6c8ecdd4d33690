package dev.sluice.security;

import dev.sluice.SluiceApplication;
import dev.sluice.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The production profile turns security on, and a server with security on and no
 * credential configured refuses to start, rather than serving nobody or everybody.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecurityStartupIntegrationTests {

    @Test
    void theProductionProfileRefusesToStartWithoutCredentials() {
        assertThatThrownBy(() -> start(PROD).close()).rootCause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no credential is configured")
            .hasMessageContaining("sluice.security.api-keys")
            .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri");
    }

    @Test
    void theProductionProfileStartsWithAnApiKey() {
        try (ConfigurableApplicationContext context = start(PROD, "--sluice.security.api-keys[0].name=one",
                "--sluice.security.api-keys[0].sha256=" + "ab".repeat(32))) {
            assertThat(context.getBean(SecurityProperties.class).enabled()).isTrue();
        }
    }

    @Test
    void aTenantBindingOfAnUnknownColumnStopsStartup() {
        assertThatThrownBy(() -> start(PROD, "--sluice.security.api-keys[0].name=one",
                "--sluice.security.api-keys[0].sha256=" + "ab".repeat(32),
                "--sluice.datasets.events.tenant.column=colour", "--sluice.datasets.events.tenant.claim=tenant")
            .close()).rootCause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("sluice.datasets.events.tenant.column names 'colour'");
    }

    @Test
    void anApiKeyWhoseHashIsNotSha256StopsStartup() {
        assertThatThrownBy(
                () -> start(PROD, "--sluice.security.api-keys[0].name=one", "--sluice.security.api-keys[0].sha256=abcd")
                    .close())
            .rootCause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("the sha256 of key 'one' has 2 bytes, not 32");
    }

    @Test
    void withSecurityOffTheLogSaysSoLoudly(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start(new String[] { "test" })) {
            assertThat(context.getBean(SecurityProperties.class).enabled()).isFalse();
            assertThat(output.getOut()).contains("WARN").contains("SECURITY IS OFF");
        }
    }

    private static final String[] PROD = { "test", "prod" };

    private static ConfigurableApplicationContext start(String[] profiles, String... arguments) {
        TestDatabase database = TestDatabase.shared();
        String[] all = new String[arguments.length + 5];
        all[0] = "--spring.r2dbc.url=" + database.r2dbcUrl();
        all[1] = "--spring.r2dbc.username=" + database.username();
        all[2] = "--spring.r2dbc.password=" + database.password();
        all[3] = "--server.port=0";
        // No job workers: this context only starts and stops.
        all[4] = "--sluice.exports.worker=false";
        System.arraycopy(arguments, 0, all, 5, arguments.length);
        return new SpringApplicationBuilder(SluiceApplication.class).profiles(profiles)
            .properties("sluice.import-jobs.worker=false")
            .run(all);
    }

}
