package dev.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a body into records: lines, or for CSV lines that may hold line breaks inside
 * quotes. A record is handed out as a slice of one reused buffer, valid until the next
 * call; the buffer grows up to the longest record allowed and no further. A longer record
 * is skipped without being kept, and reported as too long.
 * <p>
 * Records end in LF; a CR before it is dropped. Quotes are counted, not parsed: in valid
 * CSV they come in pairs, and the parser checks the rest.
 */
final class RecordReader {

    private static final int INITIAL_SIZE = 64 * 1024;

    private final InputStream in;

    private final int maxLength;

    private final boolean quotes;

    private byte[] buffer;

    private int start;

    private int scan;

    private int limit;

    private boolean inQuotes;

    private int breaksInRecord;

    private boolean eof;

    private long nextLine = 1;

    private long line;

    private int recordOffset;

    private int length;

    private boolean tooLong;

    /**
     * @param in the body
     * @param maxLength the longest record, in bytes without its line end
     * @param quotes whether line breaks inside double quotes belong to the record (CSV)
     */
    RecordReader(InputStream in, int maxLength, boolean quotes) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        this.in = in;
        this.maxLength = maxLength;
        this.quotes = quotes;
        this.buffer = new byte[Math.min(INITIAL_SIZE, maxLength + 2)];
    }

    /** Moves to the next record; false at the end of the body. */
    boolean next() throws IOException {
        this.breaksInRecord = 0;
        while (true) {
            int end = findEnd();
            if (end >= 0) {
                take(end, end + 1);
                return true;
            }
            if (this.scan - this.start > this.maxLength + 1) {
                skipTooLong();
                return true;
            }
            if (this.eof) {
                if (this.start < this.limit) {
                    take(this.limit, this.limit);
                    return true;
                }
                return false;
            }
            fill();
        }
    }

    /** The 1-based line the current record starts on. */
    long line() {
        return this.line;
    }

    byte[] buffer() {
        return this.buffer;
    }

    /** Where the current record starts in {@link #buffer()}. */
    int offset() {
        return this.recordOffset;
    }

    int length() {
        return this.length;
    }

    /** Whether the current record was longer than the limit (its bytes are not kept). */
    boolean tooLong() {
        return this.tooLong;
    }

    private void take(int end, int next) {
        this.line = this.nextLine;
        this.nextLine += 1 + this.breaksInRecord;
        this.recordOffset = this.start;
        int recordEnd = (end > this.start && this.buffer[end - 1] == '\r') ? end - 1 : end;
        this.length = recordEnd - this.start;
        this.tooLong = this.length > this.maxLength;
        this.start = next;
        this.scan = next;
        this.inQuotes = false;
    }

    // Index of the LF that ends the record, or -1 if it is not in the buffer yet.
    private int findEnd() {
        byte[] bytes = this.buffer;
        int limit = this.limit;
        if (!this.quotes) {
            for (int i = this.scan; i < limit; i++) {
                if (bytes[i] == '\n') {
                    this.scan = i;
                    return i;
                }
            }
            this.scan = limit;
            return -1;
        }
        boolean inQuotes = this.inQuotes;
        for (int i = this.scan; i < limit; i++) {
            byte b = bytes[i];
            if (b == '"') {
                inQuotes = !inQuotes;
            }
            else if (b == '\n') {
                if (!inQuotes) {
                    this.scan = i;
                    this.inQuotes = false;
                    return i;
                }
                this.breaksInRecord++;
            }
        }
        this.scan = limit;
        this.inQuotes = inQuotes;
        return -1;
    }

    // Reads on, keeping nothing, until the record ends.
    private void skipTooLong() throws IOException {
        long first = this.nextLine;
        while (true) {
            this.start = this.scan;
            int end = findEnd();
            if (end >= 0 || this.eof) {
                int next = (end >= 0) ? end + 1 : this.limit;
                this.line = first;
                this.nextLine = first + 1 + this.breaksInRecord;
                this.recordOffset = 0;
                this.length = 0;
                this.tooLong = true;
                this.start = next;
                this.scan = next;
                this.inQuotes = false;
                return;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (this.start > 0) {
            System.arraycopy(this.buffer, this.start, this.buffer, 0, this.limit - this.start);
            this.limit -= this.start;
            this.scan -= this.start;
            this.start = 0;
        }
        if (this.limit == this.buffer.length) {
            // A full buffer holds one unfinished record no longer than the limit (a
            // longer
            // one is skipped before this), so it can grow to the limit.
            byte[] grown = new byte[(int) Math.min((long) this.maxLength + 2, 2L * this.buffer.length)];
            System.arraycopy(this.buffer, 0, grown, 0, this.limit);
            this.buffer = grown;
        }
        int read = this.in.read(this.buffer, this.limit, this.buffer.length - this.limit);
        if (read < 0) {
            this.eof = true;
        }
        else {
            this.limit += read;
        }
    }

}
