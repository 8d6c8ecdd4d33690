package dev.sluice.query;

import dev.sluice.catalog.Column;

/**
 * A predicate the client cannot lift: the rows of a selection are confined to those whose
 * {@code column} equals {@code value} (a tenant's rows). It is ANDed with whatever the
 * client asked for and the value is a bind parameter.
 *
 * @param column the bound column
 * @param value the value every row must have in it, as text
 */
public record Confinement(Column column, String value) {
}
