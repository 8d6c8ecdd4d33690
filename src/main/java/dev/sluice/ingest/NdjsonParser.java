package dev.sluice.ingest;

import java.util.Arrays;
import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.JsonKind;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a line of NDJSON as one JSON object whose fields are the dataset's columns, and
 * turns each value back into the text PostgreSQL reads for its column, inverting what
 * {@code to_jsonb()} wrote:
 * <ul>
 * <li>scalars (numbers, booleans, strings of dates, UUIDs, bytea …): the string's content
 * or the number's digits exactly as written, {@code t}/{@code f} for booleans;</li>
 * <li>jsonb and json: the value's JSON text, byte for byte as in the line;</li>
 * <li>arrays, composites and other types whose JSON only PostgreSQL computes: the JSON
 * text too, which {@code JSON_QUERY(... RETURNING type)} turns back into the value (see
 * {@link ImportSql}).</li>
 * </ul>
 * Whether a value fits its type is PostgreSQL's to judge, after the COPY; this class
 * rejects what is not a row at all.
 */
final class NdjsonParser implements RowParser {

    private final JsonFactory factory;

    private final StagingLayout layout;

    private final CopyRows rows;

    private final ErrorLog errors;

    private final boolean[] raw;

    private final boolean[] booleans;

    private final boolean[] written;

    private final boolean[] given;

    NdjsonParser(StagingLayout layout, CopyRows rows, ErrorLog errors, int maxLineLength) {
        this.layout = layout;
        this.rows = rows;
        this.errors = errors;
        // Numbers and strings as long as a line: PostgreSQL says whether they fit.
        this.factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNumberLength(maxLineLength)
                .maxStringLength(Math.max(maxLineLength, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
                .build())
            .build();
        int size = layout.size();
        this.raw = new boolean[size];
        this.booleans = new boolean[size];
        for (int i = 0; i < size; i++) {
            JsonKind kind = layout.columns().get(i).jsonKind();
            this.raw[i] = kind == JsonKind.RAW_JSON || kind == JsonKind.COMPUTED;
            this.booleans[i] = kind == JsonKind.BOOLEAN;
        }
        this.written = new boolean[size];
        Arrays.fill(this.written, true);
        this.given = new boolean[size];
    }

    @Override
    public List<Column> written() {
        return this.layout.columns();
    }

    @Override
    public Outcome parse(byte[] bytes, int offset, int length, long line) {
        try (JsonParser parser = this.factory.createParser(ObjectReadContext.empty(), bytes, offset, length)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return Outcome.NOTHING;
            }
            if (token != JsonToken.START_OBJECT) {
                return reject(line, null, "expected a JSON object, found " + describe(token), ErrorKind.MALFORMED);
            }
            this.rows.begin();
            Arrays.fill(this.given, false);
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                int column = this.layout.indexOf(name);
                if (column < 0) {
                    if (this.layout.isGenerated(name)) {
                        parser.nextToken();
                        parser.skipChildren();
                        continue;
                    }
                    return reject(line, name, this.layout.unknown(name), ErrorKind.INVALID);
                }
                if (this.given[column]) {
                    return reject(line, name, "field '" + name + "' appears twice", ErrorKind.MALFORMED);
                }
                this.given[column] = true;
                String problem = value(parser, parser.nextToken(), column, bytes, offset, offset + length);
                if (problem != null) {
                    return reject(line, name, problem, ErrorKind.INVALID);
                }
            }
            if (parser.nextToken() != null) {
                return reject(line, null, "malformed JSON: more follows the object on the same line",
                        ErrorKind.MALFORMED);
            }
        }
        catch (JacksonException ex) {
            return reject(line, null, "malformed JSON: " + message(ex), ErrorKind.MALFORMED);
        }
        ImportError missing = this.layout.missing(this.rows, this.written, this.given, line);
        if (missing != null) {
            this.errors.reject(line, missing.column(), missing.reason(), missing.kind());
            return Outcome.REJECTED;
        }
        this.rows.end(line);
        return Outcome.ROW;
    }

    // Sets the column's text from the value, or says why the value cannot be one.
    private String value(JsonParser parser, JsonToken token, int column, byte[] bytes, int offset, int limit) {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        int start = offset + (int) parser.currentTokenLocation().getByteOffset();
        if (this.raw[column]) {
            if (token.isStructStart()) {
                parser.skipChildren();
            }
            else {
                parser.finishToken();
            }
            this.rows.bytes(column, bytes, start, offset + (int) parser.currentLocation().getByteOffset() - start);
            return null;
        }
        return switch (token) {
            case VALUE_STRING -> string(parser, column, bytes, start + 1, limit);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                // The digits exactly as written.
                this.rows.bytes(column, bytes, start, offset + (int) parser.currentLocation().getByteOffset() - start);
                yield null;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                boolean value = token == JsonToken.VALUE_TRUE;
                this.rows.ascii(column, this.booleans[column] ? (value ? "t" : "f") : Boolean.toString(value));
                yield null;
            }
            default -> "a JSON " + describe(token) + " cannot be a value of column '"
                    + this.layout.columns().get(column).name() + "' (" + this.layout.columns().get(column).type() + ")";
        };
    }

    // A string without escapes is its bytes (already checked to be UTF-8; Jackson checks
    // the rest as it skips it): only strings with escapes are decoded.
    private String string(JsonParser parser, int column, byte[] bytes, int start, int limit) {
        int end = start;
        while (end < limit && bytes[end] != '"' && bytes[end] != '\\') {
            end++;
        }
        if (end < limit && bytes[end] == '"') {
            this.rows.bytes(column, bytes, start, end - start);
            return null;
        }
        return switch (this.rows.chars(column, parser.getStringCharacters(), parser.getStringOffset(),
                parser.getStringLength())) {
            case CopyRows.NUL -> "the string holds \\u0000, which PostgreSQL text cannot hold";
            case CopyRows.LONE_SURROGATE -> "the string holds half of a surrogate pair";
            default -> null;
        };
    }

    private Outcome reject(long line, String column, String reason, ErrorKind kind) {
        this.errors.reject(line, column, reason, kind);
        return Outcome.REJECTED;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    // Jackson's message without its source description, with the position in the line.
    private static String message(JacksonException ex) {
        String message = ex.getOriginalMessage();
        for (String noise : new String[] { "\n", " (start marker at " }) {
            int at = message.indexOf(noise);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        TokenStreamLocation location = ex.getLocation();
        if (location != null && location.getByteOffset() >= 0) {
            message = message + " (at byte " + (location.getByteOffset() + 1) + ")";
        }
        return message;
    }

}
