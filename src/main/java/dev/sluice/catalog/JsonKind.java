package dev.sluice.catalog;

/**
 * How a column's PostgreSQL text form becomes the JSON value that {@code to_jsonb()}
 * writes for it. Mirrors PostgreSQL's own categorization of types for JSON
 * (json_categorize_type).
 */
public enum JsonKind {

    /** {@code t}/{@code f} become {@code true}/{@code false}. */
    BOOLEAN,

    /**
     * Integers and numeric: the text form is the JSON number; NaN and infinities become
     * strings.
     */
    NUMBER,

    /**
     * real and double precision: like NUMBER, but exponent notation is expanded as
     * numeric would print it.
     */
    FLOAT,

    /** timestamp and timestamptz: ISO 8601 with a T and a full +HH:MM offset. */
    TIMESTAMP,

    /** jsonb: its text form is already the JSON value. */
    RAW_JSON,

    /**
     * Types whose JSON form PostgreSQL must compute (json, arrays, composites, extension
     * types).
     */
    COMPUTED,

    /** Everything else: the text form as a JSON string. */
    STRING

}
