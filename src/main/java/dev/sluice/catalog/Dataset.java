package dev.sluice.catalog;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A dataset: a relation, the columns clients may see (in table order) and the key that
 * orders its rows.
 *
 * @param name the dataset's name in URLs
 * @param relation the quoted, schema-qualified relation name
 * @param columns the visible columns in the relation's column order
 * @param key the key columns, in key order
 * @param fetchSize rows per database round trip for this dataset, or null for the
 * server's default
 */
public record Dataset(String name, String relation, List<Column> columns, List<Column> key,
        @Nullable Integer fetchSize) {

    public Dataset {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
    }

    public Optional<Column> column(String columnName) {
        return this.columns.stream().filter((column) -> column.name().equals(columnName)).findFirst();
    }

}
