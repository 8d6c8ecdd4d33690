package dev.sluice.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Parses PostgREST-style query parameters into a {@link Selection}: {@code select=a,b},
 * filters {@code col=[not.]op.value}, {@code order=col.asc,col2.desc.nullslast},
 * {@code limit=N}, {@code after=k1,k2}. Every name is checked against the dataset; values
 * are kept as text for PostgreSQL to parse as bind parameters.
 */
public final class QueryParser {

    /**
     * Parameters that are not filters. {@code format} belongs to the endpoint, not the
     * selection.
     */
    public static final Set<String> RESERVED = Set.of("select", "order", "limit", "after", "format");

    private QueryParser() {
    }

    /**
     * Parses a query string ({@code select=id,kind&kind=eq.refund}) exactly as the rows
     * endpoint receives it: percent-decoded, {@code +} as a space.
     */
    public static Selection parse(Dataset dataset, String queryString) {
        return parse(dataset, parameters(queryString));
    }

    /** A query string's parameters, decoded as the rows endpoint decodes them. */
    public static MultiValueMap<String, String> parameters(String queryString) {
        MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
        for (String pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode((equals < 0) ? pair : pair.substring(0, equals));
            parameters.add(name, (equals < 0) ? null : decode(pair.substring(equals + 1)));
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            throw new BadQueryException("query", "The query string has a malformed %-escape in '" + text + "'.");
        }
    }

    public static Selection parse(Dataset dataset, MultiValueMap<String, String> parameters) {
        List<Column> columns = select(dataset, single(parameters, "select"));
        List<Filter> filters = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            if (!RESERVED.contains(entry.getKey())) {
                for (String value : entry.getValue()) {
                    // "?kind" without "=" arrives as null: the same mistake as "?kind=".
                    filters.add(filter(dataset, entry.getKey(), (value != null) ? value : ""));
                }
            }
        }
        List<SortKey> explicitOrder = order(dataset, single(parameters, "order"));
        Long limit = limit(single(parameters, "limit"));
        List<String> after = after(dataset, single(parameters, "after"), explicitOrder);
        return new Selection(dataset, columns, filters, withKey(dataset, explicitOrder), limit, after, null);
    }

    private static String single(MultiValueMap<String, String> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadQueryException(name, "'" + name + "' is given " + values.size() + " times; give it once.");
        }
        // "?select" without "=" arrives as null: the same mistake as "?select=".
        return (values.get(0) != null) ? values.get(0) : "";
    }

    private static List<Column> select(Dataset dataset, String select) {
        if (select == null || select.equals("*")) {
            return dataset.columns();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : select.split(",", -1)) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                throw new BadQueryException("select", "'select' has an empty column name: '" + select + "'.");
            }
            column(dataset, "select", trimmed);
            if (!names.add(trimmed)) {
                throw new BadQueryException("select", "'select' names column '" + trimmed + "' twice.");
            }
        }
        // Objects list their keys in table order, whatever order select gives.
        return dataset.columns().stream().filter((column) -> names.contains(column.name())).toList();
    }

    private static Filter filter(Dataset dataset, String name, String expression) {
        Column column = column(dataset, name, name);
        if (!column.filterable()) {
            throw new BadQueryException(name, "Column '" + name + "' of dataset '" + dataset.name()
                    + "' cannot be filtered. Filterable columns: " + filterableNames(dataset) + ".");
        }
        boolean negated = expression.startsWith("not.");
        String rest = negated ? expression.substring(4) : expression;
        int dot = rest.indexOf('.');
        String token = (dot < 0) ? rest : rest.substring(0, dot);
        Operator operator = Operator.of(token)
            .orElseThrow(() -> new BadQueryException(name, "Filter '" + name + "=" + expression
                    + "' has no known operator. Write " + name
                    + "=op.value with op one of eq, neq, gt, gte, lt, lte, like, in, is, optionally after not."));
        if (dot < 0) {
            throw new BadQueryException(name,
                    "Filter '" + name + "=" + expression + "' has no value after '" + token + ".'.");
        }
        String value = rest.substring(dot + 1);
        return switch (operator) {
            case IN -> new Filter(column, operator, negated, inList(name, value));
            case IS -> new Filter(column, operator, negated, List.of(isValue(column, value)));
            case LIKE -> {
                if (!column.isText()) {
                    throw new BadQueryException(name,
                            "'like' applies to text columns; column '" + name + "' is " + column.type() + ".");
                }
                yield new Filter(column, operator, negated, List.of(value.replace('*', '%')));
            }
            default -> new Filter(column, operator, negated, List.of(value));
        };
    }

    private static String isValue(Column column, String value) {
        switch (value) {
            case "null":
                return value;
            case "true", "false":
                if (!column.isBoolean()) {
                    throw new BadQueryException(column.name(), "'is." + value + "' applies to boolean columns; column '"
                            + column.name() + "' is " + column.type() + ".");
                }
                return value;
            default:
                throw new BadQueryException(column.name(), "'is' takes null, true or false, not '" + value + "'.");
        }
    }

    private static List<String> inList(String name, String value) {
        if (value.length() < 2 || value.charAt(0) != '(' || value.charAt(value.length() - 1) != ')') {
            throw new BadQueryException(name,
                    "'in' takes a list in parentheses, such as " + name + "=in.(1,2,3); got '" + value + "'.");
        }
        String inner = value.substring(1, value.length() - 1);
        return inner.isEmpty() ? List.of() : ValueList.split(name, inner);
    }

    private static List<SortKey> order(Dataset dataset, String order) {
        if (order == null) {
            return List.of();
        }
        List<SortKey> keys = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String item : order.split(",", -1)) {
            String[] parts = item.trim().split("\\.", -1);
            int end = parts.length;
            String nulls = "";
            if (end > 1 && (parts[end - 1].equals("nullsfirst") || parts[end - 1].equals("nullslast"))) {
                nulls = parts[end - 1].equals("nullsfirst") ? "NULLS FIRST" : "NULLS LAST";
                end--;
            }
            boolean descending = false;
            if (end > 1 && (parts[end - 1].equals("asc") || parts[end - 1].equals("desc"))) {
                descending = parts[end - 1].equals("desc");
                end--;
            }
            String name = String.join(".", Arrays.copyOf(parts, end));
            if (name.isEmpty()) {
                throw new BadQueryException("order", "'order' has an empty item: '" + order + "'.");
            }
            Column column = column(dataset, "order", name);
            if (!column.filterable() && !dataset.key().contains(column)) {
                throw new BadQueryException("order", "Column '" + name + "' of dataset '" + dataset.name()
                        + "' cannot be ordered by. Filterable columns: " + filterableNames(dataset) + ".");
            }
            if (!seen.add(name)) {
                throw new BadQueryException("order", "'order' names column '" + name + "' twice.");
            }
            keys.add(new SortKey(column, descending, nulls));
        }
        return keys;
    }

    private static List<SortKey> withKey(Dataset dataset, List<SortKey> explicitOrder) {
        List<SortKey> order = new ArrayList<>(explicitOrder);
        for (Column keyColumn : dataset.key()) {
            if (order.stream().noneMatch((sortKey) -> sortKey.column().equals(keyColumn))) {
                order.add(SortKey.ascending(keyColumn));
            }
        }
        return order;
    }

    private static Long limit(String limit) {
        if (limit == null) {
            return null;
        }
        try {
            long value = Long.parseLong(limit);
            if (value >= 0) {
                return value;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw new BadQueryException("limit", "'limit' takes a whole number of rows, 0 or more; got '" + limit + "'.");
    }

    private static List<String> after(Dataset dataset, String after, List<SortKey> explicitOrder) {
        if (after == null) {
            return List.of();
        }
        List<Column> key = dataset.key();
        if (!inKeyOrder(key, explicitOrder)) {
            throw new BadQueryException("after",
                    "'after' resumes a stream in key order ("
                            + String.join(",", key.stream().map(Column::name).toList())
                            + "); it cannot be combined with an order on other columns.");
        }
        List<String> values = ValueList.split("after", after);
        if (values.size() != key.size()) {
            throw new BadQueryException("after",
                    "'after' needs " + key.size() + " value(s), one per key column ("
                            + String.join(",", key.stream().map(Column::name).toList()) + "), in key order; got "
                            + values.size() + ". Quote a value that holds a comma: \"a,b\".");
        }
        return values;
    }

    private static boolean inKeyOrder(List<Column> key, List<SortKey> explicitOrder) {
        if (explicitOrder.size() > key.size()) {
            return false;
        }
        for (int i = 0; i < explicitOrder.size(); i++) {
            SortKey sortKey = explicitOrder.get(i);
            if (!sortKey.column().equals(key.get(i)) || !sortKey.nulls().isEmpty()
                    || sortKey.descending() != explicitOrder.get(0).descending()) {
                return false;
            }
        }
        // A descending resume must name the whole key, or the appended tie-breakers would
        // run the other way.
        return explicitOrder.isEmpty() || !explicitOrder.get(0).descending() || explicitOrder.size() == key.size();
    }

    private static Column column(Dataset dataset, String parameter, String name) {
        return dataset.column(name)
            .orElseThrow(() -> new BadQueryException(parameter,
                    "Dataset '" + dataset.name() + "' has no column '" + name + "'. Its columns: "
                            + String.join(", ", dataset.columns().stream().map(Column::name).toList()) + "."));
    }

    private static String filterableNames(Dataset dataset) {
        return String.join(", ", dataset.columns().stream().filter(Column::filterable).map(Column::name).toList());
    }

}
