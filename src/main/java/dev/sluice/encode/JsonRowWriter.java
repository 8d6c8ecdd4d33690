package dev.sluice.encode;

import java.math.BigDecimal;
import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.JsonKind;
import dev.sluice.database.TextForm;
import io.r2dbc.spi.Readable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * Writes rows as JSON objects, one per line (NDJSON) or as the elements of one array.
 * Each value is written as PostgreSQL's {@code to_jsonb()} writes it, derived from the
 * column's text form without parsing it into a Java value: numbers keep every digit,
 * strings are escaped as PostgreSQL escapes them (lower-case hex, raw UTF-8).
 */
final class JsonRowWriter implements RowWriter {

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .rootValueSeparator((SerializableString) null)
        .build();

    private final ChunkBuffer out;

    private final JsonGenerator generator;

    private final SerializableString[] names;

    private final JsonKind[] kinds;

    private final boolean array;

    private final Utf8Slice value = new Utf8Slice();

    private byte[] scratch = new byte[64];

    private boolean separatorPending;

    JsonRowWriter(List<Column> columns, boolean array, ChunkBuffer out) {
        this.out = out;
        this.generator = FACTORY.createGenerator(ObjectWriteContext.empty(), out);
        this.names = columns.stream()
            .map((column) -> new SerializedString(column.name()))
            .toArray(SerializableString[]::new);
        this.kinds = columns.stream().map(Column::jsonKind).toArray(JsonKind[]::new);
        this.array = array;
    }

    @Override
    public void start() {
        if (this.array) {
            this.generator.writeStartArray();
        }
    }

    @Override
    public void continueAfterRows() {
        this.separatorPending = this.array;
    }

    @Override
    public void row(Readable row) {
        JsonGenerator generator = this.generator;
        if (this.separatorPending) {
            // The array's earlier elements were written by another generator.
            generator.writeRaw(',');
            this.separatorPending = false;
        }
        generator.writeStartObject();
        for (int i = 0; i < this.names.length; i++) {
            generator.writeName(this.names[i]);
            TextForm text = row.get(i, TextForm.class);
            if (text == null) {
                generator.writeNull();
            }
            else {
                write(this.kinds[i], this.value.load(text.bytes()));
            }
        }
        generator.writeEndObject();
        if (!this.array) {
            generator.writeRaw('\n');
        }
    }

    @Override
    public void end() {
        if (this.array) {
            this.generator.writeEndArray();
            this.generator.writeRaw('\n');
        }
        this.generator.flush();
    }

    @Override
    public void flush() {
        this.generator.flush();
    }

    @Override
    public int buffered() {
        return this.out.size() + this.generator.streamWriteOutputBuffered();
    }

    private void write(JsonKind kind, Utf8Slice text) {
        switch (kind) {
            case BOOLEAN -> this.generator.writeBoolean(text.byteAt(0) == 't');
            case NUMBER -> {
                if (isNumber(text)) {
                    this.generator.writeRawValue(text);
                }
                else {
                    writeString(text);
                }
            }
            case FLOAT -> writeFloat(text);
            case TIMESTAMP -> writeTimestamp(text);
            case RAW_JSON, COMPUTED -> this.generator.writeRawValue(text);
            case STRING -> writeString(text);
        }
    }

    private void writeString(Utf8Slice text) {
        this.generator.writeUTF8String(text.bytes(), 0, text.length());
    }

    // NaN and the infinities are strings in to_jsonb(); every other numeric text form is
    // a JSON number.
    private static boolean isNumber(Utf8Slice text) {
        byte first = text.byteAt(0);
        return (first >= '0' && first <= '9') || (first == '-' && text.length() > 1 && text.byteAt(1) != 'I');
    }

    // to_jsonb() stores floats as numeric, so 1e+100 is written out in full and -0
    // becomes 0.
    private void writeFloat(Utf8Slice text) {
        if (!isNumber(text)) {
            writeString(text);
        }
        else if (text.contains((byte) 'e') || (text.length() == 2 && text.byteAt(1) == '0')) {
            this.generator.writeNumber(new BigDecimal(text.getValue()).toPlainString());
        }
        else {
            this.generator.writeRawValue(text);
        }
    }

    // ISO text form "2024-01-02 03:04:05+00" becomes "2024-01-02T03:04:05+00:00", as
    // to_jsonb() writes it.
    private void writeTimestamp(Utf8Slice text) {
        byte[] source = text.bytes();
        int length = text.length();
        int space = indexOf(source, (byte) ' ', 0, length);
        if (source[0] == 'i' || source[0] == '-' || space < 0) {
            this.generator.writeRawUTF8String(source, 0, length);
            return;
        }
        if (this.scratch.length < length + 3) {
            this.scratch = new byte[length + 16];
        }
        byte[] target = this.scratch;
        int sign = -1;
        for (int i = space + 1; i < length; i++) {
            if (source[i] == '+' || source[i] == '-') {
                sign = i;
                break;
            }
        }
        int zoneEnd = (sign < 0) ? -1 : indexOf(source, (byte) ' ', sign, length);
        if (zoneEnd < 0 && sign >= 0) {
            zoneEnd = length;
        }
        int written;
        if (sign >= 0 && zoneEnd - sign == 3) {
            System.arraycopy(source, 0, target, 0, zoneEnd);
            target[zoneEnd] = ':';
            target[zoneEnd + 1] = '0';
            target[zoneEnd + 2] = '0';
            System.arraycopy(source, zoneEnd, target, zoneEnd + 3, length - zoneEnd);
            written = length + 3;
        }
        else {
            System.arraycopy(source, 0, target, 0, length);
            written = length;
        }
        target[space] = 'T';
        this.generator.writeRawUTF8String(target, 0, written);
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

}
