package dev.sluice.query;

import dev.sluice.catalog.Column;

/**
 * One {@code order} item.
 *
 * @param column the column
 * @param descending whether the order is descending
 * @param nulls {@code NULLS FIRST}, {@code NULLS LAST}, or empty for PostgreSQL's default
 */
public record SortKey(Column column, boolean descending, String nulls) {

    static SortKey ascending(Column column) {
        return new SortKey(column, false, "");
    }

}
