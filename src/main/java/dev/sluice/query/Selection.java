package dev.sluice.query;

import java.util.List;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import org.jspecify.annotations.Nullable;

/**
 * What a client asked for: the columns, filters, order, limit and resume point of one
 * dataset's rows.
 *
 * @param dataset the dataset
 * @param columns the selected columns, in table order
 * @param filters the filters, all of which a row must pass
 * @param order the full order, ending with the key as tie-breaker
 * @param limit the maximum number of rows, or null for all
 * @param after the key values (in key order) that rows must come strictly after, or empty
 */
public record Selection(Dataset dataset, List<Column> columns, List<Filter> filters, List<SortKey> order,
        @Nullable Long limit, List<String> after) {

    public Selection {
        columns = List.copyOf(columns);
        filters = List.copyOf(filters);
        order = List.copyOf(order);
        after = List.copyOf(after);
    }

}
