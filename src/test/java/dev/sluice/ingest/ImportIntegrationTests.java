package dev.sluice.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports that succeed, and the options that shape them: upsert, skipping bad lines up to
 * a limit, dry runs, CSV's quoting and NULLs, composite keys, datasets that are not plain
 * tables or hide columns.
 */
@IntegrationTest
class ImportIntegrationTests {

    @Autowired
    WebTestClient client;

    @AfterEach
    void empty() {
        Imports.sql("TRUNCATE import_events, import_pairs, import_loose, import_checked, import_parted");
    }

    @Test
    void insertThenUpsert() {
        Imports.Answer first = Imports.post(this.client, "import-events", "", Imports.NDJSON, events(1, 3, "click"));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.headers().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(first.body().toString()).isEqualTo("{\"dataset\":\"import-events\",\"format\":\"ndjson\","
                + "\"mode\":\"insert\",\"onError\":\"abort\",\"dryRun\":false,\"received\":3,\"written\":3,"
                + "\"inserted\":3,\"updated\":0,\"rejected\":0,\"errors\":[],\"errorsOmitted\":0}");
        Imports.Answer second = Imports.post(this.client, "import-events", "mode=upsert", Imports.NDJSON,
                events(2, 4, "view"));
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.number("inserted")).isEqualTo(1);
        assertThat(second.number("updated")).isEqualTo(2);
        assertThat(second.number("written")).isEqualTo(3);
        assertThat(Imports.rows("SELECT id, kind, amount, payload FROM import_events ORDER BY id")).containsExactly(
                "1|click|1.50|{\"n\": 1}", "2|view|2.50|{\"n\": 2}", "3|view|3.50|{\"n\": 3}",
                "4|view|4.50|{\"n\": 4}");
    }

    @Test
    void skipWritesTheGoodLinesUpToMaxErrors() {
        String body = events(1, 5, "click").replace("\"id\": 2,", "\"id\": 2, \"amount\": \"two\",")
            .replace("\"id\": 4,", "\"id\": \"four\",");
        Imports.Answer skipped = Imports.post(this.client, "import-events", "onError=skip&maxErrors=2", Imports.NDJSON,
                body);
        assertThat(skipped.status()).as(skipped.toString()).isEqualTo(200);
        assertThat(skipped.number("received")).isEqualTo(5);
        assertThat(skipped.number("written")).isEqualTo(3);
        assertThat(skipped.number("rejected")).isEqualTo(2);
        assertThat(skipped.errors()).containsExactly("2|amount|field 'amount' appears twice",
                "4|id|invalid input syntax for type bigint: \"four\"");
        assertThat(Imports.rows("SELECT id FROM import_events ORDER BY id")).containsExactly("1", "3", "5");

        Imports.sql("TRUNCATE import_events");
        Imports.Answer aborted = Imports.post(this.client, "import-events", "onError=skip&maxErrors=1", Imports.NDJSON,
                body);
        // The most serious error decides the status: a malformed line (400) over a bad
        // value (422).
        assertThat(aborted.status()).as(aborted.toString()).isEqualTo(400);
        assertThat(aborted.body().get("detail").asString()).contains("2 of 5 line(s) rejected, more than maxErrors=1");
        assertThat(Imports.count("import_events")).isZero();
    }

    @Test
    void theErrorListIsCappedAndSaysHowManyWereLeftOut() {
        String body = IntStream.rangeClosed(1, 50)
            .mapToObj((i) -> "{\"id\": " + i + ", \"kind\": \"k\", \"created_at\": \"2024-01-01\", \"flag\": \"no"
                    + ((i % 2 == 0) ? "pe" : "") + "\"}\n")
            .collect(Collectors.joining());
        Imports.Answer skipped = Imports.post(this.client, "import-events", "onError=skip", Imports.NDJSON, body);
        assertThat(skipped.status()).isEqualTo(200);
        assertThat(skipped.number("rejected")).isEqualTo(25);
        assertThat(skipped.errors()).hasSize(20).allSatisfy((error) -> assertThat(error).contains("|flag|"));
        assertThat(skipped.errors().get(0)).startsWith("2|");
        assertThat(skipped.number("errorsOmitted")).isEqualTo(5);
        // Aborting, reading stops once the list is full: unknown fields are found while
        // reading.
        String unknown = body.replace("\"flag\"", "\"flags\"");
        Imports.Answer aborted = Imports.post(this.client, "import-events", "", Imports.NDJSON, unknown);
        assertThat(aborted.status()).isEqualTo(422);
        assertThat(aborted.errors()).hasSize(20);
        assertThat(aborted.number("received")).isEqualTo(20);
        assertThat(aborted.body().get("detail").asString()).contains("Reading stopped at line 20.");
    }

    @Test
    void dryRunReportsWhatWouldHappenAndWritesNothing() {
        Imports.post(this.client, "import-events", "", Imports.NDJSON, events(1, 2, "click"));
        String before = Imports.fingerprint("import_events");
        Imports.Answer dry = Imports.post(this.client, "import-events", "mode=upsert&dryRun=true", Imports.NDJSON,
                events(1, 4, "view"));
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        assertThat(dry.body().get("dryRun").asBoolean()).isTrue();
        assertThat(dry.number("inserted")).isEqualTo(2);
        assertThat(dry.number("updated")).isEqualTo(2);
        Imports.Answer dryBad = Imports.post(this.client, "import-events", "dryRun=true", Imports.NDJSON,
                events(1, 4, "view"));
        assertThat(dryBad.status()).as(dryBad.toString()).isEqualTo(409);
        assertThat(dryBad.errors()).containsExactly("1|id|a row with this key (1) exists already",
                "2|id|a row with this key (2) exists already");
        assertThat(Imports.fingerprint("import_events")).isEqualTo(before);
    }

    @Test
    void csvQuotedLineBreaksEmptyStringsAndNulls() {
        String csv = "id,kind,created_at,note,amount\r\n" + "1,click,2024-01-01 00:00:00+00,\"two\r\nlines\",\r\n"
                + "2,view,2024-01-02 00:00:00+00,\"\",1.5\r\n" + "3,\"say \"\"hi\"\"\",2024-01-03 00:00:00+00,,\r\n"
                + "4,\"a,b\",2024-01-04 00:00:00+00,\"back\\slash\ttab\",\r\n";
        Imports.Answer answer = Imports.post(this.client, "import-events", "", Imports.CSV, csv);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.number("inserted")).isEqualTo(4);
        assertThat(Imports.rows("SELECT id, kind, note IS NULL, quote_literal(note), amount IS NULL FROM import_events "
                + "ORDER BY id"))
            .containsExactly("1|click|f|'two\r\nlines'|t", "2|view|f|''|f", "3|say \"hi\"|t|null|t",
                    "4|a,b|f|E'back\\\\slash\ttab'|t");
    }

    @Test
    void csvErrorsNameTheLineWhereTheRecordStarts() {
        String csv = "id,kind,created_at\n" + "1,\"two\nlines\",2024-01-01\n" + "2,view,not a date\n"
                + "3,\"unclosed,2024-01-01\n" + "4,view,2024-01-01\n";
        Imports.Answer answer = Imports.post(this.client, "import-events", "onError=skip", Imports.CSV, csv);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.errors()).containsExactly(
                "4|created_at|invalid input syntax for type timestamp with time zone: \"not a date\"",
                "5||malformed CSV: the quotes of field 2 are not closed");
        assertThat(answer.number("received")).isEqualTo(3);
        assertThat(Imports.rows("SELECT id, kind FROM import_events")).containsExactly("1|two\nlines");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            id,colour              | unknown field: the header names column 'colour'
            kind,created_at        | missing key: the header lacks key column 'id'
            id,id                  | the header names column 'id' twice
            id,"kind               | malformed CSV header
            """)
    void aCsvHeaderThatDoesNotFitAbortsEvenWhenSkipping(String header, String reason) {
        Imports.Answer answer = Imports.post(this.client, "import-events", "onError=skip", Imports.CSV,
                header + "\n1,x\n");
        assertThat(answer.status()).as(answer.toString()).isIn(400, 422);
        assertThat(answer.errors()).singleElement()
            .satisfies((error) -> assertThat(error).startsWith("1||").contains(reason));
        assertThat(Imports.count("import_events")).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            application/x-ndjson | ~~           | 200 | ~~
            application/x-ndjson | \\n\\n       | 200 | ~~
            application/x-ndjson | id,kind\\n    | 400 | 1||malformed JSON
            text/csv             | ~~           | 200 | ~~
            text/csv             | id,kind\\n    | 200 | ~~
            text/csv             | \\n\\n       | 400 | 1||the body must start with a header row
            """)
    void emptyBodiesImportNothing(String type, String body, int status, String error) {
        Imports.Answer answer = Imports.post(this.client, "import-events", "", MediaType.parseMediaType(type),
                body.replace("\\n", "\n"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        if (status == 200) {
            assertThat(answer.number("received")).isZero();
            assertThat(answer.number("written")).isZero();
        }
        else {
            assertThat(answer.errors()).singleElement().satisfies((e) -> assertThat(e).startsWith(error));
        }
        assertThat(Imports.count("import_events")).isZero();
    }

    @Test
    void compositeKeys() {
        String body = "{\"tenant\": \"a,b\", \"seq\": 1, \"label\": \"one\"}\n"
                + "{\"tenant\": \"a,b\", \"seq\": 2, \"label\": \"two\"}\n"
                + "{\"tenant\": \"a,b\", \"seq\": 1, \"label\": \"again\"}\n";
        Imports.Answer duplicate = Imports.post(this.client, "import-pairs", "", Imports.NDJSON, body);
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.errors()).containsExactly("3|tenant, seq|a row with this key exists already, "
                + "in the table or on an earlier line: Key (tenant, seq)=(a,b, 1) already exists.");
        // A dry run checks the staged rows, and so can tell where the key came from.
        Imports.Answer dry = Imports.post(this.client, "import-pairs", "dryRun=true", Imports.NDJSON, body);
        assertThat(dry.status()).isEqualTo(409);
        assertThat(dry.errors())
            .containsExactly("3|tenant, seq|duplicate key (tenant = a,b, seq = 1): line 1 has the same key");
        Imports.Answer skipped = Imports.post(this.client, "import-pairs", "onError=skip", Imports.NDJSON, body);
        assertThat(skipped.number("written")).isEqualTo(2);
        assertThat(Imports.rows("SELECT tenant, seq, label FROM import_pairs ORDER BY seq"))
            .containsExactly("a,b|1|one", "a,b|2|two");
    }

    @Test
    void aKeyWithoutAUniqueIndexIsStillCheckedButCannotBeUpserted() {
        Imports.sql("INSERT INTO import_loose VALUES (1, 'there')");
        String body = "{\"id\": 1, \"label\": \"a\"}\n{\"id\": 2, \"label\": \"b\"}\n{\"id\": 2, \"label\": \"c\"}\n";
        Imports.Answer answer = Imports.post(this.client, "import-loose", "", Imports.NDJSON, body);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.errors()).containsExactly("1|id|a row with this key (1) exists already",
                "3|id|duplicate key (2): line 2 has the same key");
        Imports.Answer upsert = Imports.post(this.client, "import-loose", "mode=upsert", Imports.NDJSON, body);
        assertThat(upsert.status()).isEqualTo(422);
        assertThat(upsert.body().get("detail").asString()).contains("needs a unique index");
        assertThat(Imports.rows("SELECT id, label FROM import_loose")).containsExactly("1|there");
    }

    @Test
    void partitionedTables() {
        String first = "{\"id\": 1, \"label\": \"a\"}\n{\"id\": 150, \"label\": \"b\"}\n";
        assertThat(Imports.post(this.client, "import-parted", "", Imports.NDJSON, first).number("inserted"))
            .isEqualTo(2);
        String second = "{\"id\": 1, \"label\": \"c\"}\n{\"id\": 2, \"label\": \"d\"}\n{\"id\": 150}\n";
        Imports.Answer upsert = Imports.post(this.client, "import-parted", "mode=upsert", Imports.NDJSON, second);
        assertThat(upsert.status()).as(upsert.toString()).isEqualTo(200);
        assertThat(upsert.number("inserted")).isEqualTo(1);
        assertThat(upsert.number("updated")).isEqualTo(2);
        assertThat(Imports.rows("SELECT tableoid::regclass, id, label FROM import_parted ORDER BY id"))
            .containsExactly("import_parted_low|1|c", "import_parted_low|2|d", "import_parted_high|150|null");
    }

    @Test
    void viewsAreNotImportedInto() {
        Imports.Answer answer = Imports.post(this.client, "refunds", "", Imports.NDJSON, "{\"id\": 1}\n");
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.body().get("detail").asString()).contains("is not a table");
    }

    @Test
    void hiddenColumnsKeepTheirDefaultGeneratedOnesAreComputed() {
        Imports.Answer answer = Imports.post(this.client, "import-checked", "", Imports.NDJSON,
                "{\"id\": 1, \"quantity\": 2, \"doubled\": 99, \"note\": null}\n");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(Imports.rows("SELECT id, quantity, doubled, created_at IS NOT NULL FROM import_checked"))
            .containsExactly("1|2|4|t");
        Imports.Answer hidden = Imports.post(this.client, "import-checked", "", Imports.NDJSON,
                "{\"id\": 2, \"quantity\": 2, \"created_at\": \"2024-01-01\"}\n");
        assertThat(hidden.errors())
            .containsExactly("1|created_at|unknown field: dataset 'import-checked' has no column 'created_at'");
    }

    @Test
    void aConstraintNoLineCanBeBlamedForAbortsWithPostgresqlsMessage() {
        String body = "{\"id\": 1, \"quantity\": 2}\n{\"id\": 2, \"quantity\": -1}\n";
        Imports.Answer answer = Imports.post(this.client, "import-checked", "onError=skip", Imports.NDJSON, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
        assertThat(answer.errors()).singleElement()
            .satisfies((error) -> assertThat(error).startsWith("||the table refused the rows: ")
                .contains("import_checked_quantity_check", "23514"));
        assertThat(Imports.count("import_checked")).isZero();
        // Rows that go straight into the table (insert, abort) are refused one by one, so
        // PostgreSQL names the line.
        Imports.Answer direct = Imports.post(this.client, "import-checked", "", Imports.NDJSON, body);
        assertThat(direct.status()).as(direct.toString()).isEqualTo(422);
        assertThat(direct.errors()).singleElement()
            .satisfies((error) -> assertThat(error).startsWith("2||new row for relation \"import_checked\" violates "
                    + "check constraint \"import_checked_quantity_check\""));
        assertThat(Imports.count("import_checked")).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            mode=replace                  | application/x-ndjson | 400 | 'mode' takes insert (the default) or upsert
            onError=ignore                | application/x-ndjson | 400 | 'onError' takes abort (the default) or skip
            maxErrors=3                   | application/x-ndjson | 400 | maxErrors applies only with onError=skip
            onError=skip&maxErrors=-1     | application/x-ndjson | 400 | 'maxErrors' takes a whole number
            dryRun=yes                    | application/x-ndjson | 400 | 'dryRun' takes false (the default) or true
            mode=insert&mode=upsert       | application/x-ndjson | 400 | 'mode' is given 2 times
            select=id                     | application/x-ndjson | 400 | 'select' is not a parameter of an import
            ~~                            | application/json     | 415 | from application/x-ndjson or text/csv
            ~~                            | text/csv;charset=ISO-8859-1 | 415 | Bodies must be UTF-8
            """)
    void badRequestsAreProblems(String query, String type, int status, String detail) {
        Imports.Answer answer = Imports.post(this.client, "import-events", query, MediaType.parseMediaType(type),
                events(1, 2, "x"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.body().get("detail").asString()).contains(detail);
        assertThat(Imports.count("import_events")).isZero();
    }

    @Test
    void aValueTheTableRefusesFarIntoTheBodyIsNamedByItsLine() {
        // Some 250 KB: several COPY chunks, with blank lines that make rows and lines
        // drift.
        Function<Integer, String> line = (id) -> "{\"id\": " + id + ", \"kind\": \"k\", "
                + "\"created_at\": \"2024-01-01T00:00:00+00:00\""
                + ((id == 2500 || id == 2700) ? ", \"amount\": \"lots\"" : "") + "}\n";
        StringBuilder body = new StringBuilder();
        long lines = 0;
        List<Long> bad = new ArrayList<>();
        for (int id = 1; id <= 3000; id++) {
            if (id % 100 == 0) {
                body.append('\n');
                lines++;
            }
            body.append(line.apply(id));
            lines++;
            if (id == 2500 || id == 2700) {
                bad.add(lines);
            }
        }
        String reason = "|amount|invalid input syntax for type numeric: \"lots\"";
        Imports.Answer aborted = Imports.post(this.client, "import-events", "", Imports.NDJSON, body.toString());
        assertThat(aborted.status()).as(aborted.toString()).isEqualTo(422);
        assertThat(aborted.errors()).containsExactly(bad.get(0) + reason);
        assertThat(aborted.body().get("detail").asString()).contains("dryRun=true checks every line");
        assertThat(Imports.count("import_events")).isZero();
        // The dry run checks the staged rows, each with its line: the same line, and the
        // next.
        Imports.Answer dry = Imports.post(this.client, "import-events", "dryRun=true", Imports.NDJSON, body.toString());
        assertThat(dry.errors()).containsExactly(bad.get(0) + reason, bad.get(1) + reason);
        // A line rejected while reading makes the two drift too; both errors are told.
        String broken = body.toString().replace("{\"id\": 1000,", "{\"id\": 1000,,");
        Imports.Answer both = Imports.post(this.client, "import-events", "", Imports.NDJSON, broken);
        assertThat(both.status()).as(both.toString()).isEqualTo(400);
        assertThat(both.errors()).hasSize(2).last().isEqualTo(bad.get(0) + reason);
        assertThat(both.errors().get(0)).startsWith("1010||malformed JSON");
        assertThat(Imports.count("import_events")).isZero();
    }

    @Test
    void unsupportedEncodingsAndUnknownDatasets() {
        Imports.Answer brotli = Imports.post(this.client, "import-events", "", Imports.NDJSON,
                events(1, 2, "x").getBytes(), "Content-Encoding", "br");
        assertThat(brotli.status()).isEqualTo(415);
        Imports.Answer unknown = Imports.post(this.client, "nope", "", Imports.NDJSON, events(1, 2, "x"));
        assertThat(unknown.status()).isEqualTo(404);
    }

    // Lines of import_events with ids from first to last.
    static String events(int first, int last, String kind) {
        return IntStream.rangeClosed(first, last)
            .mapToObj((i) -> "{\"id\": " + i + ", \"kind\": \"" + kind + "\", \"amount\": " + i + ".50, "
                    + "\"created_at\": \"2024-01-0" + i + "T00:00:00+00:00\", \"payload\": {\"n\": " + i + "}}\n")
            .collect(Collectors.joining());
    }

}
