package dev.sluice;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether a body's records come in key order, as PostgreSQL itself compares the keys (its
 * collation, its types): each record's key must be greater than the one before, so a row
 * out of place or twice fails.
 */
public final class KeyOrder {

    private static final JsonMapper json = JsonMapper.builder().build();

    private KeyOrder() {
    }

    /**
     * @param body NDJSON, a JSON array or CSV with a header row, uncompressed
     * @param format {@code ndjson}, {@code json} or {@code csv}
     * @param key the key columns, in the dataset's order
     * @param types their PostgreSQL types, as the catalog describes them
     */
    public static void assertAscending(byte[] body, String format, List<String> key, List<String> types) {
        List<List<String>> keys = keys(new String(body, StandardCharsets.UTF_8), format, key);
        assertThat(outOfOrder(keys, types)).as("records whose key is not greater than the one before (%s)", key)
            .isEmpty();
    }

    static List<List<String>> keys(String body, String format, List<String> key) {
        return switch (format) {
            case "ndjson" -> body.lines().map((line) -> key(json.readTree(line), key)).toList();
            case "json" -> {
                List<List<String>> keys = new ArrayList<>();
                json.readTree(body).forEach((record) -> keys.add(key(record, key)));
                yield keys;
            }
            case "csv" -> {
                List<List<String>> records = Csv.parse(body);
                List<String> header = records.get(0);
                List<Integer> positions = key.stream().map(header::indexOf).toList();
                assertThat(positions).as("key columns in the header %s", header).doesNotContain(-1);
                yield records.subList(1, records.size())
                    .stream()
                    .map((record) -> positions.stream().map(record::get).toList())
                    .toList();
            }
            default -> throw new IllegalArgumentException("No key order check for " + format);
        };
    }

    private static List<String> key(JsonNode record, List<String> key) {
        return key.stream().map((column) -> {
            JsonNode value = record.get(column);
            assertThat(value).as("key column %s in %s", column, record).isNotNull();
            return value.isString() ? value.asString() : value.toString();
        }).toList();
    }

    /**
     * The places (from 1) where PostgreSQL finds a key not greater than the one before,
     * the first ten of them.
     */
    private static List<String> outOfOrder(List<List<String>> keys, List<String> types) {
        int columns = types.size();
        String unnest = IntStream.range(0, columns).mapToObj((i) -> "?::text[]").collect(Collectors.joining(", "));
        String names = IntStream.range(0, columns).mapToObj((i) -> "k" + i).collect(Collectors.joining(", "));
        String typed = IntStream.range(0, columns)
            .mapToObj((i) -> "k" + i + "::" + types.get(i))
            .collect(Collectors.joining(", "));
        String sql = "SELECT ord, " + names + " FROM (SELECT ord, " + names + ", ROW(" + typed + ") <= lag(ROW(" + typed
                + ")) OVER (ORDER BY ord) AS misplaced FROM unnest(" + unnest + ") WITH ORDINALITY AS u(" + names
                + ", ord)) x WHERE misplaced ORDER BY ord LIMIT 10";
        try (Connection connection = TestDatabase.shared().jdbc();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < columns; i++) {
                int column = i;
                Array array = connection.createArrayOf("text",
                        keys.stream().map((record) -> record.get(column)).toArray());
                statement.setArray(i + 1, array);
            }
            List<String> places = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < columns; i++) {
                        values.add(rows.getString(2 + i));
                    }
                    places.add("record " + rows.getLong(1) + ": " + values);
                }
            }
            return places;
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Could not compare keys in PostgreSQL", ex);
        }
    }

    /**
     * The key columns and their types of a dataset description ({@code GET
     * /v1/datasets/{name}}).
     */
    public static Map.Entry<List<String>, List<String>> keyOf(String description) {
        JsonNode dataset = json.readTree(description);
        List<String> key = new ArrayList<>();
        dataset.get("key").forEach((column) -> key.add(column.asString()));
        List<String> types = new ArrayList<>();
        for (String column : key) {
            for (JsonNode described : dataset.get("columns")) {
                if (described.get("name").asString().equals(column)) {
                    types.add(described.get("type").asString());
                }
            }
        }
        return Map.entry(key, types);
    }

}
