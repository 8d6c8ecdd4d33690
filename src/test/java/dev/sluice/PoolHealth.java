package dev.sluice;

import java.time.Duration;
import java.util.List;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whether the server's pool is healthy after connections were cut or discarded: nothing
 * still lent out, and every pooled connection answers a query (r2dbc-postgresql issue 661
 * would leave one hanging).
 */
public final class PoolHealth {

    private PoolHealth() {
    }

    public static void assertHealthy(ConnectionFactory connectionFactory) {
        ConnectionPool pool = (ConnectionPool) connectionFactory;
        PoolMetrics metrics = pool.getMetrics().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics.acquiredSize()).isZero());
        int size = metrics.getMaxAllocatedSize();
        List<Integer> answers = Flux.range(0, size)
            .flatMap((n) -> Flux.usingWhen(pool.create(),
                    (connection) -> Flux.from(connection.createStatement("SELECT pg_sleep(0.2), 1").execute())
                        .flatMap((result) -> result.map((row, meta) -> row.get(1, Integer.class))),
                    (connection) -> connection.close()), size)
            .collectList()
            .block(Duration.ofSeconds(20));
        assertThat(answers).hasSize(size).containsOnly(1);
    }

}
