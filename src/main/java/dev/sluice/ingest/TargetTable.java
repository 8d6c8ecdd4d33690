package dev.sluice.ingest;

import java.util.List;
import java.util.Set;

import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import io.r2dbc.spi.Connection;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;

/**
 * What an import needs to know about a dataset's relation beyond the catalog, read on the
 * import's own connection when it starts: its kind, whether a unique index backs the key
 * (ON CONFLICT needs one; without one, duplicates must be looked for), and which columns
 * are NOT NULL or generated.
 *
 * @param dataset the dataset
 * @param kind the relation's {@code relkind}
 * @param keyIndex the name of a valid, immediate, non-partial unique index on exactly the
 * key's columns (a unique violation names it as its constraint), or null if there is none
 * @param notNull names of the NOT NULL columns
 * @param generated names of the generated columns (never written: PostgreSQL computes
 * them)
 * @param serverVersion the server's {@code server_version_num} (170002 for 17.2)
 */
record TargetTable(Dataset dataset, String kind, @Nullable String keyIndex, Set<String> notNull, Set<String> generated,
        int serverVersion) {

    private static final String DESCRIBE = """
            SELECT c.relkind::text,
              (SELECT ic.relname::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indimmediate
                  AND i.indpred IS NULL AND i.indexprs IS NULL
                  AND ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
                            WHERE a.attrelid = c.oid AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])
                            ORDER BY 1)
                      = ARRAY(SELECT k FROM unnest($2::text[]) k ORDER BY 1)
                ORDER BY i.indisprimary DESC, 1 LIMIT 1),
              ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull),
              ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated <> ''),
              pg_catalog.current_setting('server_version_num')::int4
            FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)""";

    TargetTable {
        notNull = Set.copyOf(notNull);
        generated = Set.copyOf(generated);
    }

    static Mono<TargetTable> describe(Connection connection, Dataset dataset) {
        String[] key = dataset.key().stream().map(Column::name).toArray(String[]::new);
        return Flux.from(connection.createStatement(DESCRIBE).bind(0, dataset.relation()).bind(1, key).execute())
            .concatMap((result) -> result.map((row, metadata) -> new TargetTable(dataset, row.get(0, String.class),
                    row.get(1, String.class), Set.of(row.get(2, String[].class)), Set.of(row.get(3, String[].class)),
                    row.get(4, Integer.class))))
            .next()
            .switchIfEmpty(Mono.error(() -> new BadImportException(HttpStatus.NOT_FOUND, "Dataset gone",
                    "The relation of dataset '" + dataset.name() + "' no longer exists.")));
    }

    /**
     * Whether a unique index backs the key (ON CONFLICT needs one; without one,
     * duplicates must be looked for).
     */
    boolean keyIsUnique() {
        return this.keyIndex != null;
    }

    /** Plain and partitioned tables take rows; views and the rest do not. */
    boolean isTable() {
        return this.kind.equals("r") || this.kind.equals("p");
    }

    /** The dataset's columns an import may write, in table order. */
    List<Column> writable() {
        return this.dataset.columns().stream().filter((column) -> !this.generated.contains(column.name())).toList();
    }

}
