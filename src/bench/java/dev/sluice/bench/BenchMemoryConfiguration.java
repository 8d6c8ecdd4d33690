package dev.sluice.bench;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /bench/memory} and {@code POST /bench/memory/reset}, so the benchmark can
 * read the server's peak memory per phase. Deliberately not a {@code @Configuration}: the
 * application's component scan covers this package on the test classpath, and only
 * {@link BenchServer} should have these endpoints.
 */
class BenchMemoryConfiguration {

    @Bean
    RouterFunction<ServerResponse> benchMemoryRoutes() {
        return RouterFunctions.route()
            .GET("/bench/memory", (request) -> ServerResponse.ok().bodyValue(ServerMemory.current()))
            .POST("/bench/memory/reset",
                    (request) -> ServerResponse.ok().bodyValue(Map.of("rssPeakReset", ServerMemory.resetPeaks())))
            .build();
    }

}
