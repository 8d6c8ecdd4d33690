package dev.sluice;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Event loops and connections of each test application context its own (found by
 * component scanning, for every context with the {@code test} profile).
 * <p>
 * Spring Boot's default uses reactor-netty's JVM-wide resources, and stopping any context
 * disposes them: a test that starts and closes applications (or the test framework
 * pausing a cached one) would then close the loops and connections under the servers and
 * clients of every other cached context, mid-request.
 */
@Configuration(proxyBeanMethods = false)
@Profile("test")
class TestReactorResources {

    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setShutdownQuietPeriod(Duration.ZERO);
        return factory;
    }

}
