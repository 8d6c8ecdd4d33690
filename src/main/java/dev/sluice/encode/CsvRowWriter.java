package dev.sluice.encode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.database.TextForm;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import io.r2dbc.spi.Readable;

/**
 * Writes RFC 4180 CSV: a header row, CRLF line ends, and each value's PostgreSQL text
 * form quoted exactly where {@code COPY ... (FORMAT csv)} quotes it (a comma, quote, CR
 * or LF inside, or the empty string). NULL is an empty unquoted field.
 */
final class CsvRowWriter implements RowWriter {

    private static final ByteProcessor NEEDS_QUOTES = (b) -> b != ',' && b != '"' && b != '\n' && b != '\r';

    private static final ByteProcessor NOT_QUOTE = (b) -> b != '"';

    private final ChunkBuffer out;

    private final List<Column> columns;

    private final int columnCount;

    CsvRowWriter(List<Column> columns, ChunkBuffer out) {
        this.out = out;
        this.columns = columns;
        this.columnCount = columns.size();
    }

    @Override
    public void start() {
        for (int i = 0; i < this.columnCount; i++) {
            if (i > 0) {
                this.out.write(',');
            }
            field(Unpooled.wrappedBuffer(this.columns.get(i).name().getBytes(StandardCharsets.UTF_8)));
        }
        endLine();
    }

    @Override
    public void row(Readable row) {
        for (int i = 0; i < this.columnCount; i++) {
            if (i > 0) {
                this.out.write(',');
            }
            TextForm text = row.get(i, TextForm.class);
            if (text != null) {
                field(text.bytes());
            }
        }
        endLine();
    }

    @Override
    public void end() {
    }

    @Override
    public void flush() {
    }

    @Override
    public int buffered() {
        return this.out.size();
    }

    private void endLine() {
        this.out.write('\r');
        this.out.write('\n');
    }

    private void field(ByteBuf text) {
        int index = text.readerIndex();
        int length = text.readableBytes();
        if (length > 0 && text.forEachByte(index, length, NEEDS_QUOTES) < 0) {
            this.out.write(text, index, length);
            return;
        }
        this.out.write('"');
        int end = index + length;
        while (index < end) {
            int quote = text.forEachByte(index, end - index, NOT_QUOTE);
            int stop = (quote < 0) ? end : quote + 1;
            this.out.write(text, index, stop - index);
            if (quote >= 0) {
                this.out.write('"');
            }
            index = stop;
        }
        this.out.write('"');
    }

}
