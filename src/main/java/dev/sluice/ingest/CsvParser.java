package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.sluice.catalog.Column;

/**
 * Reads RFC 4180 CSV as the export writes it: a header row naming columns, then one
 * record per row, each field PostgreSQL's text form. An unquoted empty field is NULL, a
 * quoted empty field ({@code ""}) the empty string. The header may name the dataset's
 * columns in any order and leave some out (they keep their default, or on update their
 * value), but must name the key.
 */
final class CsvParser implements RowParser {

    private final StagingLayout layout;

    private final CopyRows rows;

    private final ErrorLog errors;

    private final boolean[] written;

    private int[] fieldColumns = new int[0];

    private boolean header = true;

    private int[] starts = new int[16];

    private int[] ends = new int[16];

    private boolean[] quoted = new boolean[16];

    private int fields;

    private String malformed = "";

    CsvParser(StagingLayout layout, CopyRows rows, ErrorLog errors) {
        this.layout = layout;
        this.rows = rows;
        this.errors = errors;
        this.written = new boolean[layout.size()];
    }

    @Override
    public boolean expectsHeader() {
        return this.header;
    }

    @Override
    public List<Column> written() {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < this.written.length; i++) {
            if (this.written[i]) {
                columns.add(this.layout.columns().get(i));
            }
        }
        return columns;
    }

    @Override
    public Outcome parse(byte[] bytes, int offset, int length, long line) {
        if (this.header) {
            header(bytes, offset, length, line);
            return Outcome.NOTHING;
        }
        if (length == 0) {
            return Outcome.NOTHING;
        }
        if (!split(bytes, offset, length)) {
            return reject(line, null, "malformed CSV: " + this.malformed, ErrorKind.MALFORMED);
        }
        if (this.fields != this.fieldColumns.length) {
            return reject(line, null, "malformed CSV: expected " + this.fieldColumns.length
                    + " fields, as the header names, but found " + this.fields, ErrorKind.MALFORMED);
        }
        this.rows.begin();
        for (int f = 0; f < this.fields; f++) {
            int column = this.fieldColumns[f];
            int start = this.starts[f];
            int end = this.ends[f];
            if (column < 0 || (start == end && !this.quoted[f])) {
                continue;
            }
            if (this.quoted[f]) {
                this.rows.quotedCsv(column, bytes, start, end - start);
            }
            else {
                this.rows.bytes(column, bytes, start, end - start);
            }
        }
        ImportError missing = this.layout.missing(this.rows, this.written, this.written, line);
        if (missing != null) {
            return reject(line, missing.column(), missing.reason(), missing.kind());
        }
        this.rows.end(line);
        return Outcome.ROW;
    }

    private void header(byte[] bytes, int offset, int length, long line) {
        if (length == 0) {
            throw fatal(line, "the body must start with a header row naming the columns; the first line is empty",
                    ErrorKind.MALFORMED);
        }
        if (!split(bytes, offset, length)) {
            throw fatal(line, "malformed CSV header: " + this.malformed, ErrorKind.MALFORMED);
        }
        this.fieldColumns = new int[this.fields];
        for (int f = 0; f < this.fields; f++) {
            String name = name(bytes, f);
            int column = this.layout.indexOf(name);
            if (column < 0 && !this.layout.isGenerated(name)) {
                throw fatal(line, "unknown field: the header names column '" + name + "', which dataset '"
                        + this.layout.dataset() + "' does not have", ErrorKind.INVALID);
            }
            if (column >= 0 && this.written[column]) {
                throw fatal(line, "the header names column '" + name + "' twice", ErrorKind.INVALID);
            }
            if (column >= 0) {
                this.written[column] = true;
            }
            this.fieldColumns[f] = column;
        }
        for (int i = 0; i < this.written.length; i++) {
            if (this.layout.isKey(i) && !this.written[i]) {
                throw fatal(line,
                        "missing key: the header lacks key column '" + this.layout.columns().get(i).name() + "'",
                        ErrorKind.INVALID);
            }
        }
        this.header = false;
    }

    private String name(byte[] bytes, int field) {
        String name = new String(bytes, this.starts[field], this.ends[field] - this.starts[field],
                StandardCharsets.UTF_8);
        return this.quoted[field] ? name.replace("\"\"", "\"") : name;
    }

    // Finds the fields of a record: their content between the quotes, if quoted.
    private boolean split(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        this.fields = 0;
        while (true) {
            if (this.fields == this.starts.length) {
                grow();
            }
            int field = this.fields + 1;
            if (i < end && bytes[i] == '"') {
                int start = i + 1;
                int close = start;
                while (true) {
                    while (close < end && bytes[close] != '"') {
                        close++;
                    }
                    if (close >= end) {
                        this.malformed = "the quotes of field " + field + " are not closed";
                        return false;
                    }
                    if (close + 1 < end && bytes[close + 1] == '"') {
                        close += 2;
                        continue;
                    }
                    break;
                }
                set(start, close, true);
                i = close + 1;
                if (i < end && bytes[i] != ',') {
                    this.malformed = "field " + field + " has text after its closing quote";
                    return false;
                }
            }
            else {
                int start = i;
                while (i < end && bytes[i] != ',') {
                    if (bytes[i] == '"') {
                        this.malformed = "field " + field
                                + " holds a quote but does not start with one (quote the field and double the quote)";
                        return false;
                    }
                    i++;
                }
                set(start, i, false);
            }
            if (i >= end) {
                return true;
            }
            i++;
        }
    }

    private void set(int start, int end, boolean quoted) {
        this.starts[this.fields] = start;
        this.ends[this.fields] = end;
        this.quoted[this.fields] = quoted;
        this.fields++;
    }

    private void grow() {
        int size = this.starts.length * 2;
        this.starts = Arrays.copyOf(this.starts, size);
        this.ends = Arrays.copyOf(this.ends, size);
        this.quoted = Arrays.copyOf(this.quoted, size);
    }

    private Outcome reject(long line, String column, String reason, ErrorKind kind) {
        this.errors.reject(line, column, reason, kind);
        return Outcome.REJECTED;
    }

    private static FatalImportException fatal(long line, String reason, ErrorKind kind) {
        return new FatalImportException(ImportError.of(line, null, reason, kind));
    }

}
