package dev.sluice.catalog;

/**
 * A column of a dataset as the PostgreSQL catalog describes it.
 *
 * @param name the column's name
 * @param type the column's type as PostgreSQL formats it, with modifiers (for example
 * {@code numeric(12,2)})
 * @param baseType the type that client values are cast to: the column's type, or a
 * domain's base type, without modifiers, as PostgreSQL formats it (quoted and qualified
 * where needed)
 * @param jsonKind how the column's text form becomes its JSON value
 * @param filterable whether clients may filter and order by this column
 */
public record Column(String name, String type, String baseType, JsonKind jsonKind, boolean filterable) {

    /** The column's name as a quoted SQL identifier. */
    public String identifier() {
        return Identifiers.quote(this.name);
    }

    /**
     * Whether {@code like} applies: the base type is one of PostgreSQL's character types.
     */
    public boolean isText() {
        return switch (this.baseType) {
            case "text", "character varying", "bpchar", "name", "citext" -> true;
            default -> false;
        };
    }

    public boolean isBoolean() {
        return this.jsonKind == JsonKind.BOOLEAN;
    }

}
