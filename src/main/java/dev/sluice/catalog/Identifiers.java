package dev.sluice.catalog;

/**
 * Quoting of SQL identifiers. Only names read from the catalog are ever quoted into SQL
 * text.
 */
public final class Identifiers {

    private Identifiers() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

}
