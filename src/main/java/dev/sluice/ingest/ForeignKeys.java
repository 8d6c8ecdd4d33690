package dev.sluice.ingest;

import java.util.List;

import dev.sluice.catalog.Dataset;
import io.r2dbc.spi.Connection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The foreign keys between the tables of some datasets, from PostgreSQL's catalog. A key
 * declared {@code DEFERRABLE INITIALLY DEFERRED} is left out: an import job writes all
 * its files in one transaction, and such a key is checked only at its commit.
 */
final class ForeignKeys {

    // The relations come in as a bound array, never as SQL text; to_regclass gives
    // NULL, not an error, for a relation dropped since.
    private static final String BETWEEN = """
            WITH target AS (
              SELECT pg_catalog.to_regclass(t.relation) AS oid, t.i::int4 AS i
              FROM unnest($1::text[]) WITH ORDINALITY AS t(relation, i))
            SELECT DISTINCT child.i, parent.i
            FROM pg_catalog.pg_constraint c
              JOIN target child ON child.oid = c.conrelid
              JOIN target parent ON parent.oid = c.confrelid
            WHERE c.contype = 'f' AND c.conrelid <> c.confrelid AND NOT c.condeferred""";

    private ForeignKeys() {
    }

    /**
     * @return each foreign key from one dataset's table to another's, by dataset name
     */
    static Mono<List<ImportOrder.Reference>> between(Connection connection, List<Dataset> datasets) {
        String[] relations = datasets.stream().map(Dataset::relation).toArray(String[]::new);
        return Flux.from(connection.createStatement(BETWEEN).bind(0, relations).execute())
            .concatMap((result) -> result
                .map((row, metadata) -> new ImportOrder.Reference(datasets.get(row.get(0, Integer.class) - 1).name(),
                        datasets.get(row.get(1, Integer.class) - 1).name())))
            .collectList();
    }

}
