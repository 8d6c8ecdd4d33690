package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Encodes rows in {@code COPY ... FROM STDIN}'s text format: for the staging table the
 * line number first, for the table itself a {@link LineMap} instead; then one field per
 * column, tab-separated, {@code \N} for NULL, and backslash, tab, CR and LF escaped.
 * Values may arrive in any order (JSON fields do); a row's values wait in a reused
 * scratch array until the row is complete, so a row that turns out bad is dropped without
 * a trace. Complete rows collect in a chunk that is handed out once it holds
 * {@code chunkSize} bytes; the chunk's owner releases it.
 */
final class CopyRows implements AutoCloseable {

    /** {@link #chars} found U+0000, which PostgreSQL text cannot hold. */
    static final int NUL = 1;

    /** {@link #chars} found half of a surrogate pair. */
    static final int LONE_SURROGATE = 2;

    private final ByteBufAllocator allocator;

    private final int chunkSize;

    private final int[] starts;

    private final int[] lengths;

    private byte[] scratch = new byte[4096];

    private int used;

    private final byte[] digits = new byte[20];

    private @Nullable ByteBuf chunk;

    private final @Nullable LineMap lines;

    /**
     * @param lines where rows are to go without their line number, the map that keeps
     * them; null to write the line number as the first field
     */
    CopyRows(ByteBufAllocator allocator, int columns, int chunkSize, @Nullable LineMap lines) {
        this.allocator = allocator;
        this.lines = lines;
        this.chunkSize = chunkSize;
        this.starts = new int[columns];
        this.lengths = new int[columns];
    }

    /** Starts a row: every column is NULL until set. */
    void begin() {
        this.used = 0;
        Arrays.fill(this.lengths, -1);
    }

    boolean isNull(int column) {
        return this.lengths[column] < 0;
    }

    /** Whether a column holds exactly this COPY text (as {@link #text} makes it). */
    boolean hasText(int column, byte[] text) {
        int length = this.lengths[column];
        return length == text.length
                && Arrays.equals(this.scratch, this.starts[column], this.starts[column] + length, text, 0, length);
    }

    /**
     * A value as COPY text: UTF-8 with backslash, tab, newline and carriage return
     * escaped.
     */
    static byte[] text(String value) {
        CopyRows rows = new CopyRows(ByteBufAllocator.DEFAULT, 1, 64, null);
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        rows.begin();
        rows.bytes(0, utf8, 0, utf8.length);
        return Arrays.copyOfRange(rows.scratch, rows.starts[0], rows.starts[0] + rows.lengths[0]);
    }

    /** Sets a column to UTF-8 text, escaping it. */
    void bytes(int column, byte[] source, int offset, int length) {
        open(column, length);
        int end = offset + length;
        int run = offset;
        for (int i = offset; i < end; i++) {
            byte b = source[i];
            if (b == '\\' || b == '\t' || b == '\n' || b == '\r') {
                append(source, run, i - run);
                escape(b);
                run = i + 1;
            }
        }
        append(source, run, end - run);
        close(column);
    }

    /**
     * Sets a column to the content of a quoted CSV field, turning each {@code ""} into
     * {@code "}.
     */
    void quotedCsv(int column, byte[] source, int offset, int length) {
        open(column, length);
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = source[i];
            if (b == '\\' || b == '\t' || b == '\n' || b == '\r') {
                escape(b);
            }
            else {
                if (b == '"') {
                    i++;
                }
                put(b);
            }
        }
        close(column);
    }

    /**
     * Sets a column to text given as UTF-16, encoding it as UTF-8.
     * @return 0, or {@link #NUL} or {@link #LONE_SURROGATE} if the text cannot be stored
     */
    int chars(int column, char[] source, int offset, int length) {
        open(column, length * 3);
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = source[i];
            if (c < 0x80) {
                if (c == 0) {
                    return NUL;
                }
                if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                    escape((byte) c);
                }
                else {
                    put((byte) c);
                }
            }
            else if (c < 0x800) {
                put((byte) (0xC0 | (c >> 6)));
                put((byte) (0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= end || !Character.isLowSurrogate(source[i + 1])) {
                    return LONE_SURROGATE;
                }
                int code = Character.toCodePoint(c, source[++i]);
                put((byte) (0xF0 | (code >> 18)));
                put((byte) (0x80 | ((code >> 12) & 0x3F)));
                put((byte) (0x80 | ((code >> 6) & 0x3F)));
                put((byte) (0x80 | (code & 0x3F)));
            }
            else {
                put((byte) (0xE0 | (c >> 12)));
                put((byte) (0x80 | ((c >> 6) & 0x3F)));
                put((byte) (0x80 | (c & 0x3F)));
            }
        }
        close(column);
        return 0;
    }

    /** Sets a column to ASCII text that needs no escaping (numbers, t, f). */
    void ascii(int column, String text) {
        open(column, text.length());
        for (int i = 0; i < text.length(); i++) {
            put((byte) text.charAt(i));
        }
        close(column);
    }

    /** Appends the complete row to the chunk. */
    void end(long line) {
        ByteBuf chunk = this.chunk;
        if (chunk == null) {
            chunk = this.allocator.buffer(this.chunkSize + 1024);
            this.chunk = chunk;
        }
        chunk.ensureWritable(20 + this.used + 3 * this.lengths.length);
        if (this.lines != null) {
            this.lines.add(line);
        }
        else {
            int count = 0;
            long rest = line;
            do {
                this.digits[count++] = (byte) ('0' + (rest % 10));
                rest /= 10;
            }
            while (rest > 0);
            while (count > 0) {
                chunk.writeByte(this.digits[--count]);
            }
        }
        for (int i = 0; i < this.lengths.length; i++) {
            if (i > 0 || this.lines == null) {
                chunk.writeByte('\t');
            }
            if (this.lengths[i] < 0) {
                chunk.writeByte('\\');
                chunk.writeByte('N');
            }
            else {
                chunk.writeBytes(this.scratch, this.starts[i], this.lengths[i]);
            }
        }
        chunk.writeByte('\n');
    }

    /** The chunk, if it has reached the chunk size; the caller then owns it. */
    @Nullable ByteBuf takeFull() {
        ByteBuf chunk = this.chunk;
        if (chunk != null && chunk.readableBytes() >= this.chunkSize) {
            this.chunk = null;
            return chunk;
        }
        return null;
    }

    /** Whatever rows are left, or null if none; the caller then owns the chunk. */
    @Nullable ByteBuf takeRest() {
        ByteBuf chunk = this.chunk;
        this.chunk = null;
        if (chunk != null && !chunk.isReadable()) {
            chunk.release();
            return null;
        }
        return chunk;
    }

    @Override
    public void close() {
        ByteBuf chunk = this.chunk;
        this.chunk = null;
        if (chunk != null) {
            chunk.release();
        }
    }

    private void open(int column, int expected) {
        if (this.scratch.length - this.used < 2 * expected + 2) {
            this.scratch = Arrays.copyOf(this.scratch, Math.max(2 * this.scratch.length, this.used + 2 * expected + 2));
        }
        this.starts[column] = this.used;
    }

    private void close(int column) {
        this.lengths[column] = this.used - this.starts[column];
    }

    private void escape(byte b) {
        put((byte) '\\');
        put(switch (b) {
            case '\t' -> (byte) 't';
            case '\n' -> (byte) 'n';
            case '\r' -> (byte) 'r';
            default -> b;
        });
    }

    private void append(byte[] source, int offset, int length) {
        System.arraycopy(source, offset, this.scratch, this.used, length);
        this.used += length;
    }

    private void put(byte b) {
        this.scratch[this.used++] = b;
    }

}
