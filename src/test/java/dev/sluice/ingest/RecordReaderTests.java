package dev.sluice.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records, their line numbers and the length limit, with a body that arrives a few bytes
 * at a time (so records straddle every refill).
 */
class RecordReaderTests {

    @Test
    void linesEndInLfOrCrLfAndTheLastNeedsNoEnd() throws IOException {
        assertThat(records("a\nbb\r\n\nccc", 100, false)).containsExactly("1:a", "2:bb", "3:", "4:ccc");
        assertThat(records("a\n", 100, false)).containsExactly("1:a");
        assertThat(records("", 100, false)).isEmpty();
    }

    @Test
    void csvRecordsKeepLineBreaksInsideQuotesAndNumberLinesWhereTheyStart() throws IOException {
        assertThat(records("h\n\"x\ny\",\"\"\"\"\r\nz\n\"a\r\n\nb\"\nlast", 100, true)).containsExactly("1:h",
                "2:\"x\ny\",\"\"\"\"", "4:z", "5:\"a\r\n\nb\"", "8:last");
    }

    @Test
    void longerRecordsAreSkippedWithoutBeingKept() throws IOException {
        String longLine = "x".repeat(10_000);
        assertThat(records("ok\n" + longLine + "\nfits\n" + longLine, 64, false)).containsExactly("1:ok", "2:TOO LONG",
                "3:fits", "4:TOO LONG");
        assertThat(records("12345678\n123456789\r\n1234567890\n", 9, false)).containsExactly("1:12345678",
                "2:123456789", "3:TOO LONG");
        // A quoted field with line breaks counts as one long record, and its lines are
        // counted.
        assertThat(records("\"" + "a\n".repeat(100) + "\"\nnext\n", 64, true)).containsExactly("1:TOO LONG",
                "102:next");
    }

    private static List<String> records(String body, int maxLength, boolean quotes) throws IOException {
        RecordReader reader = new RecordReader(new Trickle(body.getBytes(StandardCharsets.UTF_8)), maxLength, quotes);
        List<String> records = new ArrayList<>();
        while (reader.next()) {
            String text = reader.tooLong() ? "TOO LONG"
                    : new String(reader.buffer(), reader.offset(), reader.length(), StandardCharsets.UTF_8);
            records.add(reader.line() + ":" + text);
        }
        return records;
    }

    /** Hands out at most 7 bytes per read. */
    private static final class Trickle extends InputStream {

        private final ByteArrayInputStream in;

        Trickle(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return this.in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return this.in.read(buffer, offset, Math.min(length, 7));
        }

    }

}
