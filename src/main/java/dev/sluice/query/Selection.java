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
 * @param confinement a predicate every row must pass whatever else the selection says
 * (the caller's tenant), or null
 */
public record Selection(Dataset dataset, List<Column> columns, List<Filter> filters, List<SortKey> order,
        @Nullable Long limit, List<String> after, @Nullable Confinement confinement) {

    public Selection {
        columns = List.copyOf(columns);
        filters = List.copyOf(filters);
        order = List.copyOf(order);
        after = List.copyOf(after);
    }

    /**
     * Whether rows come in key order (either direction), so that a stream can be resumed
     * after the last key it delivered.
     */
    public boolean keyOrdered() {
        List<Column> key = this.dataset.key();
        if (this.order.size() != key.size()) {
            return false;
        }
        for (int i = 0; i < key.size(); i++) {
            SortKey sortKey = this.order.get(i);
            if (!sortKey.column().equals(key.get(i)) || !sortKey.nulls().isEmpty()
                    || sortKey.descending() != this.order.get(0).descending()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The rest of this selection after {@code delivered} rows, the last of which had key
     * {@code lastKey}: only for a {@link #keyOrdered()} selection.
     */
    public Selection resumed(List<String> lastKey, long delivered) {
        if (!keyOrdered() || lastKey.size() != this.dataset.key().size()) {
            throw new IllegalStateException("Only a key-ordered selection resumes after a key");
        }
        Long rest = (this.limit != null) ? Math.max(0, this.limit - delivered) : null;
        return new Selection(this.dataset, this.columns, this.filters, this.order, rest, lastKey, this.confinement);
    }

    /** This selection, confined to the rows that pass {@code confinement}. */
    public Selection confined(Confinement confinement) {
        return new Selection(this.dataset, this.columns, this.filters, this.order, this.limit, this.after, confinement);
    }

}
