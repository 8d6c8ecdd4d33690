package dev.sluice.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Import jobs from local storage: exports of several datasets imported whole into empty
 * copies of their tables, compared with EXCEPT both ways; checksums, refusals at
 * submission, cancel and upsert.
 */
@IntegrationTest
class ImportJobsIntegrationTests {

    private static final Path STORAGE = Path.of("target", "test-exports");

    private static final String INTO_COPIES = "\"datasets\": {\"events\": \"job-events\", \"pairs\": \"job-pairs\"}";

    @Autowired
    private WebTestClient client;

    private Jobs jobs;

    @BeforeEach
    void emptyTargets() {
        this.jobs = new Jobs(this.client);
        Imports.sql("TRUNCATE job_events, job_pairs, job_slow RESTART IDENTITY");
    }

    @Test
    void aGzipCsvExportOfTwoDatasetsGoesIntoCopiesOfTheirTables() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}, {\"dataset\": \"pairs\"}],"
                + " \"format\": \"csv\", \"compression\": \"gzip\"}");
        JsonNode status = this.jobs.runImport("{\"manifest\": \"" + manifest + "\", " + INTO_COPIES + "}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("succeeded");
        assertThat(Jobs.difference("events", "job_events")).isEmpty();
        assertThat(Jobs.difference("pairs", "job_pairs")).isEmpty();
        assertThat(Imports.count("job_events")).isEqualTo(1000);
        assertThat(Imports.count("job_pairs")).isEqualTo(100);
        JsonNode progress = status.get("progress");
        assertThat(progress.get("rows").asLong()).isEqualTo(1100);
        assertThat(progress.get("inserted").asLong()).isEqualTo(1100);
        JsonNode events = progress.get("files").get(0);
        assertThat(events.get("name").asString()).isEqualTo("events.csv.gz");
        assertThat(events.get("target").asString()).isEqualTo("job-events");
        assertThat(events.get("bytes").asLong()).isEqualTo(events.get("expectedBytes").asLong()).isPositive();
        assertThat(events.get("report").get("received").asLong()).isEqualTo(1000);
        assertThat(events.get("report").get("format").asString()).isEqualTo("csv");
    }

    @Test
    void aTamperedFileFailsTheJobAndNothingIsWrittenInAnyTable() throws IOException {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}, {\"dataset\": \"pairs\"}]}");
        // The same length and still valid rows: only the checksum can tell.
        Path pairs = STORAGE.resolve(manifest).resolveSibling("pairs.ndjson");
        String content = Files.readString(pairs);
        assertThat(content).contains("\"acme-1\"");
        Files.writeString(pairs, content.replaceFirst("\"acme-1\"", "\"acme-X\""));
        JsonNode status = this.jobs.runImport("{\"manifest\": \"" + manifest + "\", " + INTO_COPIES + "}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("failed");
        assertThat(status.get("error").asString()).startsWith("File pairs.ndjson (dataset 'pairs' into 'job-pairs')")
            .contains("its sha256 is")
            .contains("Nothing was written");
        // events.ndjson was imported first, in the same transaction.
        assertThat(status.get("progress").get("files").get(0).get("done").asBoolean()).isTrue();
        assertThat(status.get("progress").get("inserted").asLong()).isZero();
        assertThat(Imports.count("job_events")).isZero();
        assertThat(Imports.count("job_pairs")).isZero();
    }

    @Test
    void extraBytesAfterTheLastRowFailTheJob() throws IOException {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"pairs\"}], \"compression\": \"gzip\"}");
        Path pairs = STORAGE.resolve(manifest).resolveSibling("pairs.ndjson.gz");
        Files.write(pairs, new byte[] { 0 }, java.nio.file.StandardOpenOption.APPEND);
        JsonNode status = this.jobs
            .runImport("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"pairs\": \"job-pairs\"}}");
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("failed");
        assertThat(status.get("error").asString()).contains("pairs.ndjson.gz")
            .contains("bytes where the manifest says");
        assertThat(Imports.count("job_pairs")).isZero();
    }

    @Test
    void upsertUpdatesWhatIsThereAndInsertsTheRest() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}]}");
        String body = "{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"job-events\"}";
        assertThat(this.jobs.runImport(body + "}").get("state").asString()).isEqualTo("succeeded");
        Imports.sql("DELETE FROM job_events WHERE id <= 100; UPDATE job_events SET note = 'changed' WHERE id > 900");
        // Inserting again refuses the keys there are, and writes nothing.
        JsonNode refused = this.jobs.runImport(body + "}");
        assertThat(refused.get("state").asString()).as(refused.toString()).isEqualTo("failed");
        assertThat(refused.get("error").asString()).contains("exists already");
        assertThat(Imports.count("job_events")).isEqualTo(900);
        JsonNode upserted = this.jobs.runImport(body + ", \"mode\": \"upsert\"}");
        assertThat(upserted.get("state").asString()).as(upserted.toString()).isEqualTo("succeeded");
        assertThat(upserted.get("mode").asString()).isEqualTo("upsert");
        assertThat(upserted.get("progress").get("inserted").asLong()).isEqualTo(100);
        assertThat(upserted.get("progress").get("updated").asLong()).isEqualTo(900);
        assertThat(Jobs.difference("events", "job_events")).isEmpty();
    }

    @Test
    void aCancelledRunningImportWritesNothing() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}]}");
        // Every insert into job_slow takes 20 ms: the job runs for 20 s once all is read.
        String id = this.jobs
            .submitImport("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"job-slow\"}}");
        JsonNode status = this.jobs.status("/v1/imports/" + id);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (status.get("progress").get("rows").asLong() < 1000 && System.nanoTime() < deadline) {
            Jobs.sleep(50);
            status = this.jobs.status("/v1/imports/" + id);
        }
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("running");
        assertThat(status.get("progress").get("rows").asLong()).as(status.toString()).isEqualTo(1000);
        Jobs.Answer cancel = this.jobs.delete("/v1/imports/" + id);
        assertThat(cancel.status()).as(cancel.text()).isEqualTo(202);
        assertThat(cancel.body().get("cancelRequested").asBoolean()).isTrue();
        JsonNode end = this.jobs.awaitEnd("/v1/imports/" + id);
        assertThat(end.get("state").asString()).as(end.toString()).isEqualTo("cancelled");
        // The cancelled INSERT ends on the server (its connection is closed), rolled
        // back.
        await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(Imports.rows("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE query LIKE '%job_slow%' AND state <> 'idle' AND pid <> pg_backend_pid()"))
                .containsExactly("0"));
        assertThat(Imports.count("job_slow")).isZero();
        // The INSERT was stopped on the server, not left to finish and then rolled back.
        assertThat(insertsSoFar()).isLessThan(1000);
    }

    @Test
    void aRunThatLosesItsLeaseWritesNothingAndTheJobRunsAgain() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}]}");
        String id = this.jobs
            .submitImport("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"job-slow\"}}");
        // The run is inserting (20 ms a row) when another replica takes the job over.
        await().atMost(Duration.ofSeconds(60)).until(() -> insertsSoFar() > 0);
        Imports.sql("UPDATE sluice_import SET attempt = attempt + 1, lease_until = now() + interval '1 second' "
                + "WHERE id = '" + id + "'");
        try {
            // The first run notices at its next heartbeat and stops its INSERT on the
            // server; then the lease runs out, and a run without the delay follows.
            await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(Imports.rows("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE query LIKE '%job_slow%' AND state <> 'idle' AND pid <> pg_backend_pid()"))
                    .containsExactly("0"));
            long first = insertsSoFar();
            assertThat(first).isBetween(1L, 999L);
            slowInserts("0");
            JsonNode end = this.jobs.awaitEnd("/v1/imports/" + id);
            assertThat(end.get("state").asString()).as(end.toString()).isEqualTo("succeeded");
            assertThat(end.get("attempts").asInt()).isEqualTo(3);
            assertThat(Jobs.difference("events", "job_slow")).isEmpty();
            // Every row once: the first run's inserts were rolled back.
            assertThat(insertsSoFar()).isEqualTo(first + 1000);
        }
        finally {
            slowInserts("0.02");
        }
    }

    private static long insertsSoFar() {
        return Long.parseLong(
                Imports.rows("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM job_slow_inserts").get(0));
    }

    private static void slowInserts(String seconds) {
        Imports.sql("CREATE OR REPLACE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "PERFORM pg_sleep(" + seconds + "); PERFORM nextval('job_slow_inserts'); RETURN NEW; END $$");
    }

    @Test
    void finishedAtIsWhenTheImportEndedNotWhenItsTransactionBegan() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\", \"query\": \"limit=200\"}]}");
        String id = this.jobs
            .submitImport("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"job-slow\"}}");
        // Inserting (20 ms a row, 4 s in all) inside the importing transaction.
        await().atMost(Duration.ofSeconds(60)).until(() -> insertsSoFar() > 0);
        String during = Imports.rows("SELECT clock_timestamp()::text").get(0);
        assertThat(this.jobs.status("/v1/imports/" + id).get("state").asString()).isEqualTo("running");
        JsonNode end = this.jobs.awaitEnd("/v1/imports/" + id);
        assertThat(end.get("state").asString()).as(end.toString()).isEqualTo("succeeded");
        assertThat(Instant.parse(end.get("finishedAt").asString()))
            .isAfterOrEqualTo(Instant.parse(end.get("startedAt").asString()));
        assertThat(Imports
            .rows("SELECT finished_at > '" + during + "'::timestamptz FROM sluice_import WHERE id = '" + id + "'"))
            .containsExactly("t");
    }

    @Test
    void aRepeatedDeleteOfAFinishedImportChangesNothing() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"pairs\"}]}");
        String id = this.jobs
            .submitImport("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"pairs\": \"job-pairs\"}}");
        JsonNode end = this.jobs.awaitEnd("/v1/imports/" + id);
        assertThat(end.get("state").asString()).as(end.toString()).isEqualTo("succeeded");
        for (int i = 0; i < 3; i++) {
            Jobs.Answer deleted = this.jobs.delete("/v1/imports/" + id);
            assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
            assertThat(deleted.body().get("state").asString()).isEqualTo("succeeded");
            assertThat(deleted.body().get("finishedAt")).isEqualTo(end.get("finishedAt"));
        }
        assertThat(Imports.count("job_pairs")).isEqualTo(100);
    }

    @Test
    void aStatusWhileQueuedOrRunningSaysWhenToAskAgain() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"events\"}]}");
        Jobs.Answer submitted = this.jobs.post("/v1/imports",
                "{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"job-slow\"}}");
        assertThat(submitted.status()).isEqualTo(202);
        assertThat(submitted.retryAfter()).isEqualTo("1");
        String id = submitted.body().get("id").asString();
        assertThat(this.jobs.delete("/v1/imports/" + id).status()).isIn(200, 202);
        assertThat(this.jobs.awaitEnd("/v1/imports/" + id).get("state").asString()).isEqualTo("cancelled");
    }

    @Test
    void aRetriedSubmissionWithTheSameIdempotencyKeyIsTheSameJob() {
        String manifest = this.jobs.export("{\"parts\": [{\"dataset\": \"pairs\"}]}");
        String key = "move-" + UUID.randomUUID();
        String body = "{\"manifest\": \"" + manifest + "\", \"datasets\": {\"pairs\": \"job-pairs\"}}";
        Jobs.Answer first = this.jobs.post("/v1/imports", body, "Idempotency-Key", key);
        Jobs.Answer again = this.jobs.post("/v1/imports", body, "Idempotency-Key", key);
        assertThat(first.status()).as(first.text()).isEqualTo(202);
        assertThat(first.replayed()).isNull();
        assertThat(again.status()).as(again.text()).isEqualTo(202);
        assertThat(again.replayed()).isEqualTo("true");
        assertThat(again.body().get("id").asString()).isEqualTo(first.body().get("id").asString());
        Jobs.Answer other = this.jobs.post("/v1/imports", body.replace("}}", "}, \"mode\": \"upsert\"}"),
                "Idempotency-Key", key);
        assertThat(other.status()).as(other.text()).isEqualTo(422);
        JsonNode end = this.jobs.awaitEnd("/v1/imports/" + first.body().get("id").asString());
        assertThat(end.get("state").asString()).as(end.toString()).isEqualTo("succeeded");
        assertThat(Imports.count("job_pairs")).isEqualTo(100);
    }

    @Test
    void anUnreadableFormatVersionIsRefusedNamingTheVersionsRead() throws IOException {
        String manifest = "manual-" + UUID.randomUUID() + "/manifest.json";
        Files.createDirectories(STORAGE.resolve(manifest).getParent());
        Files.writeString(STORAGE.resolve(manifest), "{\"formatVersion\": 2, \"export\": {\"format\": \"ndjson\","
                + " \"compression\": \"none\"}, \"files\": []}", StandardCharsets.UTF_8);
        Jobs.Answer answer = this.jobs.post("/v1/imports", "{\"manifest\": \"" + manifest + "\"}");
        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        assertThat(answer.body().get("pointer").asString()).isEqualTo("/manifest");
        assertThat(answer.body().get("detail").asString())
            .contains("its formatVersion is 2, and this server reads format version 1 only");
    }

    @Test
    void mistakesAreRefusedAtSubmission() {
        String manifest = this.jobs
            .export("{\"parts\": [{\"dataset\": \"events\", \"query\": \"select=id,amount,created_at\"}]}");
        assertRefused("{}", 400, "/manifest", "'manifest' is required");
        assertRefused("{\"manifest\": \"../etc/manifest.json\"}", 400, "/manifest", "is not a storage key");
        assertRefused("{\"manifest\": \"nowhere/manifest.json\"}", 400, "/manifest", "There is no file");
        assertRefused("{\"manifest\": \"" + manifest + "\", \"mode\": \"merge\"}", 400, "/mode", "'mode' is insert");
        assertRefused("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"nope\"}}", 400,
                "/datasets/events", "There is no dataset named 'nope'");
        assertRefused("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"pairs\": \"job-pairs\"}}", 400,
                "/datasets/pairs", "The manifest has no file of dataset 'pairs'");
        assertRefused("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"refunds\"}}", 422,
                "/datasets/events", "is not a table");
        assertRefused("{\"manifest\": \"" + manifest + "\", \"datasets\": {\"events\": \"pairs\"}}", 422,
                "/datasets/events", "has a column 'id', which dataset 'pairs' does not have");
        String json = this.jobs.export("{\"parts\": [{\"dataset\": \"pairs\"}], \"format\": \"json\"}");
        assertRefused("{\"manifest\": \"" + json + "\"}", 422, "/manifest", "imports read ndjson and csv");
        assertRefused("{\"manifest\": \"" + manifest + "\", \"modes\": \"upsert\"}", 400, "/modes",
                "Unknown field 'modes'");
        assertThat(Imports.count("job_events")).isZero();
    }

    @Test
    void anUnknownJobIsNotFound() {
        assertThat(this.jobs.delete("/v1/imports/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(this.jobs.delete("/v1/imports/nope").status()).isEqualTo(404);
    }

    private void assertRefused(String body, int status, String pointer, String detail) {
        Jobs.Answer answer = this.jobs.post("/v1/imports", body);
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.body().get("pointer").asString()).as(answer.text()).isEqualTo(pointer);
        assertThat(answer.body().get("detail").asString()).as(answer.text()).contains(detail);
    }

}
