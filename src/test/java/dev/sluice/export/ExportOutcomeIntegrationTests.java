package dev.sluice.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.jayway.jsonpath.JsonPath;
import dev.sluice.IntegrationTest;
import dev.sluice.database.SchemaMigration;
import dev.sluice.storage.LocalStorage;
import dev.sluice.storage.Storage;
import dev.sluice.storage.StorageProperties;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.sluice.export.ExportIntegrationTests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run whose success the job table recorded but whose answer never came back (a timeout,
 * a dropped connection): the run goes down its failure path, and that path must not
 * delete the files of a job that reads as succeeded. Cleanup follows only a state change
 * the table confirms for this attempt.
 * <p>
 * The jobs here carry a storage type of their own, so only this context's worker, whose
 * job table loses the answer, runs them (other cached contexts poll the same database).
 */
@IntegrationTest
@Import(ExportOutcomeIntegrationTests.LostAnswers.class)
class ExportOutcomeIntegrationTests {

    private static final Path EXPORTS = Path.of("target/test-exports");

    @Autowired
    private WebTestClient client;

    @Autowired
    private LossyJobs jobs;

    @ParameterizedTest
    @ValueSource(strings = { "timeout", "connection", "io" })
    void aSuccessWhoseAnswerIsLostKeepsItsFiles(String fault) throws IOException {
        // What a lost answer looks like to the run: a blocking read's timeout, the
        // driver's dropped connection as Spring translates it, and an I/O error (which
        // the run retries).
        String raised = " (a lost answer, raised by this test)";
        this.jobs.loseNextSuccess(switch (fault) {
            case "timeout" -> () -> new IllegalStateException("Timeout on blocking read" + raised);
            case "connection" -> () -> new DataAccessResourceFailureException("Connection closed" + raised);
            default -> () -> new UncheckedIOException(new IOException("Connection reset" + raised));
        });
        Exports exports = new Exports(this.client);
        String id = exports.submit("""
                {"parts": [{"dataset": "big", "query": "limit=3000"}]}""");
        String status = exports.awaitSuccess(id);
        assertThat(this.jobs.lost()).as("the answer to recording success was lost").isEqualTo(id);

        assertThat((Integer) JsonPath.read(status, "$.attempts")).as(status).isEqualTo(1);
        Path file = EXPORTS.resolve(id).resolve("big.ndjson");
        assertThat(file).exists();
        byte[] downloaded = exports.download(id, "big.ndjson");
        assertThat(downloaded).isEqualTo(Files.readAllBytes(file))
            .isEqualTo(exports.streamed("big", "limit=3000", "ndjson"));
        Map<String, Object> described = Exports.file(status, "big.ndjson");
        assertThat(described.get("sha256")).isEqualTo(sha256(downloaded));
        assertThat(EXPORTS.resolve(id).resolve("manifest.json")).exists();
    }

    /** The job table, whose answer to the next recorded success is lost. */
    static class LossyJobs extends ExportJobs {

        private final AtomicReference<@Nullable Supplier<RuntimeException>> fault = new AtomicReference<>();

        private final AtomicReference<@Nullable String> lost = new AtomicReference<>();

        LossyJobs(DatabaseClient client, SchemaMigration migrated) {
            super(client, migrated);
        }

        void loseNextSuccess(Supplier<RuntimeException> error) {
            this.lost.set(null);
            this.fault.set(error);
        }

        @Nullable String lost() {
            return this.lost.get();
        }

        @Override
        Mono<Boolean> succeed(UUID id, int attempt, Duration retention) {
            return super.succeed(id, attempt, retention).flatMap((recorded) -> {
                Supplier<RuntimeException> error = this.fault.getAndSet(null);
                if (recorded && error != null) {
                    this.lost.set(id.toString());
                    return Mono.error(error.get());
                }
                return Mono.just(recorded);
            });
        }

    }

    @TestConfiguration(proxyBeanMethods = false)
    static class LostAnswers {

        @Bean
        @Primary
        LossyJobs lossyJobs(DatabaseClient client, SchemaMigration migrated) {
            return new LossyJobs(client, migrated);
        }

        @Bean
        @Primary
        Storage apart(StorageProperties properties) {
            return new GatedStorage(new LocalStorage(properties.local()), "local-outcome-tests");
        }

    }

}
