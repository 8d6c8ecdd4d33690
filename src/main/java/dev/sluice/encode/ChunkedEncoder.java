package dev.sluice.encode;

import java.nio.ByteBuffer;
import java.util.List;

import dev.sluice.catalog.Column;
import io.r2dbc.spi.Readable;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * Encodes one stream's rows into chunks of about {@code chunkSize} bytes: one HTTP chunk
 * and one write per chunk, never one per row. Not thread-safe: rows arrive one at a time
 * from the driver.
 */
public final class ChunkedEncoder {

    /** What {@link #row} returns while the current chunk is not full yet. */
    public static final DataBuffer NO_CHUNK = DefaultDataBufferFactory.sharedInstance.allocateBuffer(0);

    private final RowWriter writer;

    private final ChunkBuffer buffer;

    private final int chunkSize;

    private boolean started;

    private ChunkedEncoder(RowWriter writer, ChunkBuffer buffer, int chunkSize) {
        this.writer = writer;
        this.buffer = buffer;
        this.chunkSize = chunkSize;
    }

    /**
     * An encoder that continues a stream whose first rows were encoded before (an export
     * resumed after a crash): no CSV header, no opening bracket, and a JSON array's
     * separator before its first row.
     */
    public static ChunkedEncoder resumed(Format format, List<Column> columns, int chunkSize) {
        ChunkedEncoder encoder = of(format, columns, chunkSize);
        encoder.start();
        encoder.drain();
        encoder.writer.continueAfterRows();
        return encoder;
    }

    public static ChunkedEncoder of(Format format, List<Column> columns, int chunkSize) {
        ChunkBuffer buffer = new ChunkBuffer(chunkSize + chunkSize / 4);
        RowWriter writer = switch (format) {
            case NDJSON -> new JsonRowWriter(columns, false, buffer);
            case JSON -> new JsonRowWriter(columns, true, buffer);
            case CSV -> new CsvRowWriter(columns, buffer);
        };
        return new ChunkedEncoder(writer, buffer, chunkSize);
    }

    /**
     * A chunk's bytes: the array the encoder copied it into, not a further copy (chunks
     * are heap buffers that wrap a whole array of their own).
     */
    public static byte[] bytes(DataBuffer chunk) {
        if (chunk instanceof DefaultDataBuffer buffer && buffer.getNativeBuffer().hasArray()) {
            ByteBuffer wrapped = buffer.getNativeBuffer();
            byte[] array = wrapped.array();
            if (wrapped.arrayOffset() == 0 && chunk.readPosition() == 0 && chunk.readableByteCount() == array.length) {
                return array;
            }
        }
        byte[] bytes = new byte[chunk.readableByteCount()];
        chunk.read(bytes);
        return bytes;
    }

    /** Encodes a row; returns a full chunk, or {@link #NO_CHUNK}. */
    public DataBuffer row(Readable row) {
        start();
        this.writer.row(row);
        return (this.writer.buffered() >= this.chunkSize) ? drain() : NO_CHUNK;
    }

    /**
     * Ends the stream: the last chunk, with whatever the format writes after the last
     * row.
     */
    public DataBuffer finish() {
        start();
        this.writer.end();
        return drain();
    }

    private void start() {
        if (!this.started) {
            this.started = true;
            this.writer.start();
        }
    }

    private DataBuffer drain() {
        this.writer.flush();
        return this.buffer.drain();
    }

}
