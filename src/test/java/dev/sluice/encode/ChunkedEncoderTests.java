package dev.sluice.encode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.JsonKind;
import dev.sluice.database.TextForm;
import io.netty.buffer.Unpooled;
import io.r2dbc.spi.Readable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.core.io.buffer.DataBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunking and the framing of each format, on rows made by hand (no database). */
class ChunkedEncoderTests {

    private static final List<Column> columns = List.of(new Column("id", "bigint", "bigint", JsonKind.NUMBER, true),
            new Column("note", "text", "text", JsonKind.STRING, true));

    @Test
    void rowsGoOutInChunksOfAboutTheChunkSizeNotOnePerRow() {
        ChunkedEncoder encoder = ChunkedEncoder.of(Format.NDJSON, columns, 1024);
        // Each line is {"id":N,"note":"xxxxxxxxxx"} plus a newline: about 30 bytes, so
        // about 34 per chunk.
        Flux<DataBuffer> chunks = Flux.range(1, 1000)
            .map((i) -> encoder.row(row(Integer.toString(i), "xxxxxxxxxx")))
            .filter((chunk) -> chunk != ChunkedEncoder.NO_CHUNK)
            .concatWith(Mono.fromSupplier(encoder::finish));
        StepVerifier.create(chunks.map(ChunkedEncoderTests::text).collectList()).assertNext((texts) -> {
            assertThat(texts).hasSizeBetween(25, 35);
            assertThat(texts.subList(0, texts.size() - 1)).allSatisfy((text) -> {
                assertThat(text.length()).isBetween(1024, 1024 + 40);
                assertThat(text).endsWith("\n");
            });
            String all = String.join("", texts);
            assertThat(all.lines()).hasSize(1000).first().isEqualTo("{\"id\":1,\"note\":\"xxxxxxxxxx\"}");
        }).verifyComplete();
    }

    @Test
    void anEmptyStreamIsStillWellFormed() {
        assertThat(text(ChunkedEncoder.of(Format.NDJSON, columns, 1024).finish())).isEmpty();
        assertThat(text(ChunkedEncoder.of(Format.JSON, columns, 1024).finish())).isEqualTo("[]\n");
        assertThat(text(ChunkedEncoder.of(Format.CSV, columns, 1024).finish())).isEqualTo("id,note\r\n");
    }

    @Test
    void jsonArrayAndCsvFraming() {
        ChunkedEncoder json = ChunkedEncoder.of(Format.JSON, columns, 1 << 20);
        json.row(row("1", "a"));
        json.row(row("2", null));
        assertThat(text(json.finish())).isEqualTo("[{\"id\":1,\"note\":\"a\"},{\"id\":2,\"note\":null}]\n");
        ChunkedEncoder csv = ChunkedEncoder.of(Format.CSV, columns, 1 << 20);
        csv.row(row("1", "a,b"));
        csv.row(row("2", null));
        csv.row(row("3", ""));
        csv.row(row("4", "say \"hi\"\r\nbye"));
        assertThat(text(csv.finish()))
            .isEqualTo("id,note\r\n1,\"a,b\"\r\n2,\r\n3,\"\"\r\n4,\"say \"\"hi\"\"\r\nbye\"\r\n");
    }

    @Test
    void stringsAreEscapedAsPostgresEscapesThem() {
        ChunkedEncoder encoder = ChunkedEncoder.of(Format.NDJSON, columns, 1 << 20);
        encoder.row(row("1", "q\" b\\ t\t n\n bell\u0007 esc\u001b é 😀"));
        assertThat(text(encoder.finish()))
            .isEqualTo("{\"id\":1,\"note\":\"q\\\" b\\\\ t\\t n\\n bell\\u0007 esc\\u001b é 😀\"}\n");
    }

    private static String text(DataBuffer buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static Readable row(String... values) {
        return new Readable() {

            @Override
            public <T> T get(int index, Class<T> type) {
                String value = values[index];
                return (value != null)
                        ? type.cast(new TextForm(Unpooled.wrappedBuffer(value.getBytes(StandardCharsets.UTF_8))))
                        : null;
            }

            @Override
            public <T> T get(String name, Class<T> type) {
                throw new UnsupportedOperationException();
            }

        };
    }

}
