package dev.sluice.query;

import java.util.List;

import dev.sluice.catalog.Column;

/**
 * One filter: {@code column=[not.]operator.value}.
 *
 * @param column the filtered column
 * @param operator the comparison
 * @param negated whether {@code not.} came first
 * @param values the operand: one value, the elements of an {@code in} list, or
 * {@code null}/{@code true}/{@code false} for {@code is}
 */
public record Filter(Column column, Operator operator, boolean negated, List<String> values) {

    public Filter {
        values = List.copyOf(values);
    }

}
