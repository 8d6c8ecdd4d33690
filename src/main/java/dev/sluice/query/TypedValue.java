package dev.sluice.query;

/**
 * A client value that PostgreSQL must be able to read as a column's type.
 *
 * @param value the text the client sent
 * @param type the type it is cast to (a catalog type name)
 * @param parameter the query parameter it came from
 * @param source where it came from, in the client's words (for example
 * {@code filter id=gt.5})
 */
public record TypedValue(String value, String type, String parameter, String source) {
}
