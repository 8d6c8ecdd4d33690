package dev.sluice.query;

import java.util.List;

/**
 * SQL text built only from catalog identifiers, with every client value as a bind
 * parameter.
 *
 * @param sql the statement, with parameters {@code $1..$n}
 * @param bindings the parameter values, in order
 */
public record SqlQuery(String sql, List<Object> bindings) {

    public SqlQuery {
        bindings = List.copyOf(bindings);
    }

}
