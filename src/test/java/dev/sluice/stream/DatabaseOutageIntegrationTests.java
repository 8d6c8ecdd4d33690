package dev.sluice.stream;

import java.time.Duration;

import dev.sluice.TcpProxy;
import dev.sluice.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.awaitility.Awaitility.await;

/**
 * The database goes away and comes back (a proxy in between cuts every connection):
 * requests get a 503 problem with Retry-After while it is gone, and the server serves
 * again once it is back, without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "spring.r2dbc.pool.max-acquire-time=3s", "spring.r2dbc.pool.max-create-connection-time=3s" })
@AutoConfigureWebTestClient
@ActiveProfiles("test")
@ContextConfiguration(initializers = DatabaseOutageIntegrationTests.ThroughProxy.class)
class DatabaseOutageIntegrationTests {

    static final TcpProxy proxy = new TcpProxy(TestDatabase.shared().port());

    @Autowired
    WebTestClient client;

    @AfterAll
    static void closeProxy() throws Exception {
        proxy.close();
    }

    @Test
    void outageIsA503ProblemAndTheServerRecoversWithoutRestart() {
        rowsAreServed();
        proxy.cut();
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=5")
            .exchange()
            .expectStatus()
            .isEqualTo(503)
            .expectHeader()
            .valueEquals("Retry-After", "5")
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.title")
            .isEqualTo("Database unavailable");
        proxy.restore();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(this::rowsAreServed);
    }

    private void rowsAreServed() {
        this.client.get()
            .uri("/v1/datasets/events/rows?limit=5")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .value((body) -> org.assertj.core.api.Assertions.assertThat(body).hasLineCount(5));
    }

    static class ThroughProxy implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestDatabase database = TestDatabase.shared();
            TestPropertyValues
                .of("spring.r2dbc.url=" + database.r2dbcUrl("localhost", proxy.port()),
                        "spring.r2dbc.username=" + database.username(), "spring.r2dbc.password=" + database.password())
                .applyTo(context);
        }

    }

}
