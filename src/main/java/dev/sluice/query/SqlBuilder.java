package dev.sluice.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.JsonKind;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link Selection} into SQL. Identifiers come only from the catalog, quoted;
 * client values are bind parameters cast to the column's base type, so PostgreSQL parses
 * them exactly as it parses stored values.
 */
public final class SqlBuilder {

    private SqlBuilder() {
    }

    /**
     * The query for a selection's rows.
     * @param selection the selection
     * @param jsonValues whether the rows will be written as JSON: columns whose JSON form
     * only PostgreSQL can compute are then selected as {@code to_jsonb(column)}
     */
    public static SqlQuery rows(Selection selection, boolean jsonValues) {
        return rows(selection, jsonValues, List.of());
    }

    /**
     * The query for a selection's rows, with {@code trailing} columns selected as they
     * are after the selection's own (an export job reads the key of the rows it writes).
     */
    public static SqlQuery rows(Selection selection, boolean jsonValues, List<Column> trailing) {
        List<Object> bindings = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ");
        StringJoiner items = new StringJoiner(", ");
        for (Column column : selection.columns()) {
            items.add((jsonValues && column.jsonKind() == JsonKind.COMPUTED)
                    ? "pg_catalog.to_jsonb(" + column.identifier() + ")" : column.identifier());
        }
        trailing.forEach((column) -> items.add(column.identifier()));
        sql.append(items).append(" FROM ").append(selection.dataset().relation());
        StringJoiner conditions = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        Confinement confinement = selection.confinement();
        if (confinement != null) {
            // Every other condition is one comparison or parenthesized, so AND keeps
            // this one binding whatever the client's filters say.
            conditions.add(confinement.column().identifier() + " = "
                    + parameter(confinement.value(), confinement.column().baseType(), bindings));
        }
        for (Filter filter : selection.filters()) {
            conditions.add(condition(filter, bindings));
        }
        if (!selection.after().isEmpty()) {
            conditions.add(after(selection, bindings));
        }
        sql.append(conditions).append(" ORDER BY ");
        StringJoiner order = new StringJoiner(", ");
        for (SortKey sortKey : selection.order()) {
            String item = sortKey.column().identifier() + (sortKey.descending() ? " DESC" : " ASC");
            order.add(sortKey.nulls().isEmpty() ? item : item + " " + sortKey.nulls());
        }
        sql.append(order);
        if (selection.limit() != null) {
            bindings.add(selection.limit());
            sql.append(" LIMIT $").append(bindings.size());
        }
        return new SqlQuery(sql.toString(), bindings);
    }

    /**
     * The client values that must parse as their columns' types, for a check before the
     * rows are read.
     */
    public static List<TypedValue> typedValues(Selection selection) {
        List<TypedValue> values = new ArrayList<>();
        Confinement confinement = selection.confinement();
        if (confinement != null) {
            values.add(new TypedValue(confinement.value(), confinement.column().baseType(), confinement.column().name(),
                    "the caller's tenant (column " + confinement.column().name() + ")"));
        }
        for (Filter filter : selection.filters()) {
            if (filter.operator() != Operator.IS && filter.operator() != Operator.LIKE) {
                String source = "filter " + filter.column().name() + "=" + (filter.negated() ? "not." : "")
                        + filter.operator().token() + "." + String.join(",", filter.values());
                filter.values()
                    .forEach((value) -> values
                        .add(new TypedValue(value, filter.column().baseType(), filter.column().name(), source)));
            }
        }
        List<Column> key = selection.dataset().key();
        for (int i = 0; i < key.size() && i < selection.after().size(); i++) {
            values.add(new TypedValue(selection.after().get(i), key.get(i).baseType(), "after",
                    "after (key column " + key.get(i).name() + ")"));
        }
        return values;
    }

    /**
     * A statement that makes PostgreSQL parse each value as its type, and fails if one
     * does not parse.
     */
    public static SqlQuery check(List<TypedValue> values) {
        StringJoiner items = new StringJoiner(", ", "SELECT ", "");
        List<Object> bindings = new ArrayList<>();
        for (TypedValue value : values) {
            bindings.add(value.value());
            items.add("CAST($" + bindings.size() + " AS " + value.type() + ") IS NULL");
        }
        return new SqlQuery(items.toString(), bindings);
    }

    private static String condition(Filter filter, List<Object> bindings) {
        String column = filter.column().identifier();
        String condition = switch (filter.operator()) {
            case IS -> column + " IS " + filter.values().get(0).toUpperCase(Locale.ROOT);
            case LIKE -> column + " LIKE " + parameter(filter.values().get(0), null, bindings);
            case IN -> {
                if (filter.values().isEmpty()) {
                    yield "FALSE";
                }
                StringJoiner list = new StringJoiner(", ", column + " IN (", ")");
                filter.values().forEach((value) -> list.add(parameter(value, filter.column().baseType(), bindings)));
                yield list.toString();
            }
            default -> column + " " + filter.operator().sql() + " "
                    + parameter(filter.values().get(0), filter.column().baseType(), bindings);
        };
        return filter.negated() ? "NOT (" + condition + ")" : condition;
    }

    private static String after(Selection selection, List<Object> bindings) {
        List<Column> key = selection.dataset().key();
        StringJoiner columns = new StringJoiner(", ", "(", ")");
        StringJoiner values = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < key.size(); i++) {
            columns.add(key.get(i).identifier());
            values.add(parameter(selection.after().get(i), key.get(i).baseType(), bindings));
        }
        // The key's direction is the order's first item: after only combines with an
        // order along the key.
        boolean descending = selection.order().get(0).descending();
        return columns + (descending ? " < " : " > ") + values;
    }

    private static String parameter(String value, @Nullable String type, List<Object> bindings) {
        bindings.add(value);
        String placeholder = "$" + bindings.size();
        return (type != null) ? "CAST(" + placeholder + " AS " + type + ")" : placeholder;
    }

}
