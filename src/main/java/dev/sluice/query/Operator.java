package dev.sluice.query;

import java.util.Arrays;
import java.util.Optional;

/** The filter operators of PostgREST's horizontal filtering that Sluice supports. */
public enum Operator {

    EQ("eq", "="), NEQ("neq", "<>"), GT("gt", ">"), GTE("gte", ">="), LT("lt", "<"), LTE("lte", "<="),
    LIKE("like", "LIKE"), IN("in", "IN"), IS("is", "IS");

    private final String token;

    private final String sql;

    Operator(String token, String sql) {
        this.token = token;
        this.sql = sql;
    }

    public String token() {
        return this.token;
    }

    String sql() {
        return this.sql;
    }

    static Optional<Operator> of(String token) {
        return Arrays.stream(values()).filter((operator) -> operator.token.equals(token)).findFirst();
    }

}
