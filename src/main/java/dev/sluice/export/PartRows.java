package dev.sluice.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.database.RowReader;
import dev.sluice.database.Snapshot;
import dev.sluice.database.TextForm;
import dev.sluice.encode.ChunkedEncoder;
import dev.sluice.encode.Format;
import dev.sluice.query.Selection;
import dev.sluice.query.SqlBuilder;
import dev.sluice.query.SqlQuery;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * A part's rows as encoded chunks: the same query and encoder as the rows endpoint, with
 * the key columns read after the selected ones so that every chunk knows where a resumed
 * run would continue.
 */
final class PartRows {

    private PartRows() {
    }

    /**
     * @param selection what to read (already narrowed to the rows after a checkpoint)
     * @param resumed whether earlier rows of the same file were written before
     * @param stop cancels the query on the server when it emits (the stream then ends
     * with an error)
     * @param snapshot the snapshot to read, or null for the database as it is now
     */
    static Flux<Chunk> read(RowReader reader, Selection selection, Format format, boolean resumed, int fetchSize,
            int chunkSize, Mono<?> stop, @Nullable Snapshot snapshot) {
        List<Column> key = selection.keyOrdered() ? selection.dataset().key() : List.of();
        SqlQuery query = SqlBuilder.rows(selection, format != Format.CSV, key);
        return Flux.defer(() -> {
            ChunkedEncoder encoder = resumed ? ChunkedEncoder.resumed(format, selection.columns(), chunkSize)
                    : ChunkedEncoder.of(format, selection.columns(), chunkSize);
            Counter counter = new Counter(selection.columns().size(), key.size());
            return reader
                .read(SqlBuilder.typedValues(selection), query, fetchSize, (row) -> counter.row(encoder, row), stop,
                        snapshot)
                .filter((chunk) -> chunk != Counter.NONE)
                .concatWith(Mono.fromSupplier(() -> counter.last(encoder.finish())));
        });
    }

    /** Counts the rows of the chunk being filled; reads the key only at a chunk's end. */
    private static final class Counter {

        static final Chunk NONE = new Chunk(new byte[0], 0, null, false);

        private final int keyStart;

        private final int keySize;

        private int rows;

        Counter(int keyStart, int keySize) {
            this.keyStart = keyStart;
            this.keySize = keySize;
        }

        Chunk row(ChunkedEncoder encoder, Readable row) {
            DataBuffer encoded = encoder.row(row);
            this.rows++;
            if (encoded == ChunkedEncoder.NO_CHUNK) {
                return NONE;
            }
            Chunk chunk = new Chunk(ChunkedEncoder.bytes(encoded), this.rows, key(row), false);
            this.rows = 0;
            return chunk;
        }

        Chunk last(DataBuffer encoded) {
            return new Chunk(ChunkedEncoder.bytes(encoded), this.rows, null, true);
        }

        private @Nullable List<String> key(Readable row) {
            if (this.keySize == 0) {
                return null;
            }
            List<String> key = new ArrayList<>(this.keySize);
            for (int i = 0; i < this.keySize; i++) {
                TextForm text = row.get(this.keyStart + i, TextForm.class);
                key.add((text != null) ? text.bytes().toString(StandardCharsets.UTF_8) : "");
            }
            return key;
        }

    }

}
