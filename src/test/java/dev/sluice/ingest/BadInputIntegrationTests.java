package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import dev.sluice.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies that must not be imported: each gets a problem with the right status, naming the
 * line (and column) and what is wrong, and the table is exactly as it was. Every body
 * starts with a good line, so that "nothing written" means the transaction was rolled
 * back, not that nothing was tried.
 */
@IntegrationTest
class BadInputIntegrationTests {

    private static final String GOOD = "{\"id\": 1, \"kind\": \"click\", \"created_at\": \"2024-01-01T00:00:00+00:00\"}\n";

    private static final String OTHER = "\"kind\": \"click\", \"created_at\": \"2024-01-01T00:00:00+00:00\"";

    @Autowired
    WebTestClient client;

    private String before;

    @BeforeEach
    void oneRow() {
        Imports.sql("TRUNCATE import_events; INSERT INTO import_events (id, kind, created_at) "
                + "VALUES (1000, 'existing', '2020-01-01')");
        this.before = Imports.fingerprint("import_events");
    }

    @AfterAll
    static void empty() {
        Imports.sql("TRUNCATE import_events");
    }

    static Stream<Arguments> bodies() {
        String deep = "[".repeat(2000) + "]".repeat(2000);
        return Stream.of(
                // name, body, status, line, column, reason
                bad("truncated", GOOD + "{\"id\": 2, " + OTHER.substring(0, 20), 400, 2, "",
                        "malformed JSON: Unexpected end-of-input"),
                bad("trailing comma", GOOD + "{\"id\": 2, " + OTHER + ",}", 400, 2, "", "malformed JSON"),
                bad("bare number", GOOD + "42", 400, 2, "", "expected a JSON object, found number"),
                bad("bare string", GOOD + "\"text\"", 400, 2, "", "expected a JSON object, found string"),
                bad("array instead of object", GOOD + "[{\"id\": 2}]", 400, 2, "",
                        "expected a JSON object, found array"),
                bad("invalid escape", GOOD + "{\"id\": 2, \"kind\": \"a\\qb\"}", 400, 2, "",
                        "Unrecognized character escape"),
                bad("single quotes", GOOD + "{'id': 2}", 400, 2, "", "malformed JSON"),
                bad("unescaped control character", GOOD + "{\"id\": 2, " + OTHER + ", \"note\": \"a\tb\"}", 400, 2, "",
                        "malformed JSON: Illegal unquoted character"),
                bad("two objects on a line", GOOD + "{\"id\": 2, " + OTHER + "} {}", 400, 2, "",
                        "more follows the object"),
                bad("NaN literal", GOOD + "{\"id\": 2, " + OTHER + ", \"amount\": NaN}", 400, 2, "", "malformed JSON"),
                bad("deep nesting", GOOD + "{\"id\": 2, " + OTHER + ", \"payload\": " + deep + "}", 400, 2, "",
                        "nesting depth"),
                bad("duplicate field", GOOD + "{\"id\": 2, " + OTHER + ", \"id\": 3}", 400, 2, "id",
                        "field 'id' appears twice"),
                bad("huge integer", GOOD + "{\"id\": 123456789012345678901234567890, " + OTHER + "}", 422, 2, "id",
                        "out of range for type bigint"),
                bad("huge exponent", GOOD + "{\"id\": 2, " + OTHER + ", \"amount\": 1e999999999}", 422, 2, "amount",
                        "numeric"),
                bad("wrong type", GOOD + "{\"id\": 2, " + OTHER + ", \"amount\": \"lots\"}", 422, 2, "amount",
                        "invalid input syntax for type numeric: \"lots\""),
                bad("too many digits for the column", GOOD + "{\"id\": 2, " + OTHER + ", \"amount\": 12345678901.5}",
                        422, 2, "amount", "numeric field overflow"),
                bad("bad timestamp", GOOD + "{\"id\": 2, \"kind\": \"a\", \"created_at\": \"yesterday-ish\"}", 422, 2,
                        "created_at", "timestamp with time zone"),
                bad("object for text", GOOD + "{\"id\": 2, " + OTHER + ", \"note\": {\"a\": 1}}", 422, 2, "note",
                        "a JSON object cannot be a value of column 'note'"),
                bad("boolean from a number", GOOD + "{\"id\": 2, " + OTHER + ", \"flag\": 7}", 422, 2, "flag",
                        "boolean"),
                bad("NUL in a string", GOOD + "{\"id\": 2, " + OTHER + ", \"note\": \"a\\u0000b\"}", 422, 2, "note",
                        "\\u0000"),
                bad("NUL in jsonb", GOOD + "{\"id\": 2, " + OTHER + ", \"payload\": {\"a\": \"\\u0000\"}}", 422, 2,
                        "payload", "Unicode escape"),
                bad("unknown field", GOOD + "{\"id\": 2, " + OTHER + ", \"colour\": \"red\"}", 422, 2, "colour",
                        "unknown field: dataset 'import-events' has no column 'colour'"),
                bad("missing key", GOOD + "{" + OTHER + "}", 422, 2, "id", "missing key"),
                bad("null key", GOOD + "{\"id\": null, " + OTHER + "}", 422, 2, "id", "missing key"),
                bad("NOT NULL column null", GOOD + "{\"id\": 2, \"kind\": null, \"created_at\": \"2024-01-01\"}", 422,
                        2, "kind", "NOT NULL"),
                bad("NOT NULL column missing", GOOD + "{\"id\": 2, \"kind\": \"a\"}", 422, 2, "created_at", "NOT NULL"),
                // Aborting imports copy straight into the table, which cannot tell the
                // two
                // apart; skipping ones check the staged rows first.
                bad("duplicate key in the body", GOOD + "{\"id\": 1, " + OTHER + "}", 409, 2, "id",
                        "duplicate key (1): line 1 has the same key",
                        "exists already, in the table or on an earlier " + "line: Key (id)=(1) already exists."),
                bad("key that exists", GOOD + "{\"id\": 1000, " + OTHER + "}", 409, 2, "id",
                        "a row with this key (1000) exists already", "Key (id)=(1000) already exists."),
                bad("line too long", GOOD + "{\"id\": 2, " + OTHER + ", \"note\": \"" + "x".repeat(70_000) + "\"}", 413,
                        2, "", "longer than the limit of 65536 bytes"),
                bad("third line bad after a blank line", GOOD + "\n{\"id\": 3, " + OTHER + ", \"flag\": \"maybe\"}",
                        422, 3, "flag", "invalid input syntax for type boolean"));
    }

    private static Arguments bad(String name, String body, int status, int line, String column, String reason) {
        return bad(name, body, status, line, column, reason, reason);
    }

    private static Arguments bad(String name, String body, int status, int line, String column, String skipReason,
            String abortReason) {
        return Arguments.of(name, body.getBytes(StandardCharsets.UTF_8), status, line, column, skipReason, abortReason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void isRejectedAndNothingIsWritten(String name, byte[] body, int status, int line, String column, String skipReason,
            String reason) {
        Imports.Answer answer = Imports.post(this.client, "import-events", "", Imports.NDJSON, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.headers().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.body().get("title").asString()).isEqualTo("Import aborted");
        assertThat(answer.number("written")).isZero();
        assertThat(answer.number("rejected")).isEqualTo(1);
        assertThat(answer.errors()).as(answer.toString())
            .singleElement()
            .satisfies((error) -> assertThat(error).startsWith(line + "|" + column + "|").contains(reason));
        assertThat(answer.body().get("detail").asString()).contains("nothing was written", "line " + line);
        assertThat(Imports.fingerprint("import_events")).isEqualTo(this.before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void isSkippedWhenAskedAndTheRestIsWritten(String name, byte[] body, int status, int line, String column,
            String reason, String abortReason) {
        Imports.Answer answer = Imports.post(this.client, "import-events", "onError=skip&maxErrors=1", Imports.NDJSON,
                body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.number("written")).isEqualTo(1);
        assertThat(answer.number("rejected")).isEqualTo(1);
        assertThat(answer.errors()).singleElement().satisfies((error) -> assertThat(error).contains(reason));
        assertThat(Imports.rows("SELECT id FROM import_events ORDER BY id")).containsExactly("1", "1000");
    }

    @Test
    void invalidUtf8IsRejectedWithTheByteThatIsWrong() {
        byte[] good = GOOD.getBytes(StandardCharsets.UTF_8);
        for (byte[] wrong : new byte[][] { { (byte) 0xC3, '"' }, { (byte) 0xC0, (byte) 0xAF },
                { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xFF } }) {
            byte[] line = ("{\"id\": 2, " + OTHER + ", \"note\": \"").getBytes(StandardCharsets.UTF_8);
            byte[] body = concat(good, line, wrong, "\"}\n".getBytes(StandardCharsets.UTF_8));
            Imports.Answer answer = Imports.post(this.client, "import-events", "", Imports.NDJSON, body);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.errors()).singleElement()
                .satisfies((error) -> assertThat(error).startsWith("2||")
                    .contains(String.format("not valid UTF-8: byte 0x%02X at byte %d", wrong[0], line.length + 1)));
            assertThat(Imports.fingerprint("import_events")).isEqualTo(this.before);
        }
    }

    @Test
    void aBodyThatIsNotGzipIsRejected() {
        for (byte[] body : new byte[][] { GOOD.getBytes(StandardCharsets.UTF_8), new byte[0],
                Arrays.copyOf(Imports.gzip(GOOD.repeat(100).getBytes(StandardCharsets.UTF_8)), 40) }) {
            Imports.Answer answer = Imports.post(this.client, "import-events", "", Imports.NDJSON, body,
                    "Content-Encoding", "gzip");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.body().get("detail").asString()).contains("is not valid gzip");
            assertThat(Imports.fingerprint("import_events")).isEqualTo(this.before);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt((part) -> part.length).sum();
        byte[] all = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }

}
