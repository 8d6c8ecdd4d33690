package dev.sluice.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.sluice.catalog.CatalogProperties.DatasetDefinition;
import io.r2dbc.spi.R2dbcException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Reads each configured dataset's relation and columns from the PostgreSQL catalog. A
 * dataset that names a missing relation or column is a startup error that names it.
 */
final class CatalogLoader {

    // Types created after initdb (extensions, CREATE TYPE) may have a cast to json.
    private static final long FIRST_NORMAL_OBJECT_ID = 16384;

    private static final String RELATION = """
            SELECT c.oid, n.nspname, c.relname, c.relkind::text
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = pg_catalog.to_regclass($1)""";

    // Domains are followed down to their base type: values are cast to it, and JSON
    // follows it. The base type is
    // printed with typmod -1, so that char(n) and bit(n) print as bpchar and "bit", not
    // as char(1) and bit(1).
    private static final String COLUMNS = """
            WITH RECURSIVE cols AS (
              SELECT a.attnum, a.attname, a.atttypid, a.atttypmod FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
            ), base(attnum, typid) AS (
              SELECT attnum, atttypid FROM cols
              UNION ALL
              SELECT b.attnum, t.typbasetype FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typid
              WHERE t.typtype = 'd'
            )
            SELECT c.attname, pg_catalog.format_type(c.atttypid, c.atttypmod) AS type,
                   bt.oid::int8 AS base_oid, pg_catalog.format_type(bt.oid, -1) AS base_type,
                   bt.typtype::text AS typtype, bt.typcategory::text AS typcategory, bt.typlen::int4 AS typlen,
                   bt.typelem::int8 AS typelem
            FROM cols c JOIN base b ON b.attnum = c.attnum JOIN pg_catalog.pg_type bt ON bt.oid = b.typid
            WHERE bt.typtype <> 'd'
            ORDER BY c.attnum""";

    // Tables, views, materialized views, foreign and partitioned tables: what a SELECT
    // can read rows from.
    private static final Set<String> RELATION_KINDS = Set.of("r", "v", "m", "f", "p");

    private final DatabaseClient database;

    CatalogLoader(DatabaseClient database) {
        this.database = database;
    }

    Mono<Catalog> load(CatalogProperties properties) {
        return Flux.fromIterable(properties.datasets().entrySet())
            .concatMap((entry) -> load(entry.getKey(), entry.getValue()))
            .collectList()
            .map(Catalog::new);
    }

    private Mono<Dataset> load(String name, DatasetDefinition definition) {
        if (definition.table() == null || definition.table().isBlank()) {
            return Mono.error(new InvalidDatasetException(name, "sluice.datasets." + name + ".table is not set"));
        }
        return this.database.sql(RELATION)
            .bind(0, definition.table())
            .map((row) -> new Relation(row.get(0, Long.class), row.get(1, String.class), row.get(2, String.class),
                    row.get(3, String.class)))
            .one()
            .onErrorResume(CatalogLoader::isInvalidName, (error) -> Mono.empty())
            .onErrorMap((error) -> !(error instanceof InvalidDatasetException),
                    (error) -> new InvalidDatasetException(name,
                            "table or view '" + definition.table() + "' cannot be looked up: " + error.getMessage()))
            .switchIfEmpty(Mono.error(() -> new InvalidDatasetException(name,
                    "table or view '" + definition.table() + "' does not exist (or is not visible to this user)")))
            .flatMap((relation) -> RELATION_KINDS.contains(relation.kind())
                    ? columns(relation).map((columns) -> dataset(name, definition, relation, columns))
                    : Mono.error(new InvalidDatasetException(name,
                            "'" + definition.table() + "' is not a table, view, materialized view or foreign table")));
    }

    // to_regclass answers NULL for a name it cannot parse from PostgreSQL 16; up to 15 it
    // raises invalid_name (42602).
    private static boolean isInvalidName(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof R2dbcException r2dbc && "42602".equals(r2dbc.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private Mono<List<CatalogColumn>> columns(Relation relation) {
        return this.database.sql(COLUMNS)
            .bind(0, relation.oid())
            .map((row) -> new CatalogColumn(row.get("attname", String.class), row.get("type", String.class),
                    row.get("base_type", String.class),
                    kind(row.get("base_oid", Long.class), row.get("typtype", String.class).charAt(0),
                            row.get("typcategory", String.class).charAt(0), row.get("typlen", Integer.class),
                            row.get("typelem", Long.class))))
            .all()
            .collectList();
    }

    private static Dataset dataset(String name, DatasetDefinition definition, Relation relation,
            List<CatalogColumn> catalogColumns) {
        Map<String, CatalogColumn> byName = new LinkedHashMap<>();
        catalogColumns.forEach((column) -> byName.put(column.name(), column));
        List<String> visible = (definition.columns() != null) ? definition.columns() : List.copyOf(byName.keySet());
        requireExisting(name, "columns", visible, byName, relation);
        List<String> filterable = (definition.filterable() != null) ? definition.filterable() : visible;
        requireVisible(name, "filterable", filterable, visible);
        if (definition.key() == null || definition.key().isEmpty()) {
            throw new InvalidDatasetException(name, "sluice.datasets." + name + ".key is not set");
        }
        requireExisting(name, "key", definition.key(), byName, relation);
        if (Set.copyOf(definition.key()).size() != definition.key().size()) {
            throw new InvalidDatasetException(name, "key names a column twice: " + definition.key());
        }
        requireVisible(name, "key", definition.key(), visible);
        if (definition.fetchSize() != null && definition.fetchSize() < 1) {
            throw new InvalidDatasetException(name, "fetch-size must be at least 1");
        }
        List<Column> columns = new ArrayList<>();
        // Table order, whatever order the allowlist gives.
        byName.values()
            .stream()
            .filter((column) -> visible.contains(column.name()))
            .forEach((column) -> columns.add(new Column(column.name(), column.type(), column.baseType(), column.kind(),
                    filterable.contains(column.name()))));
        List<Column> key = definition.key()
            .stream()
            .map((keyName) -> columns.stream().filter((c) -> c.name().equals(keyName)).findFirst().orElseThrow())
            .toList();
        String qualified = Identifiers.quote(relation.schema()) + "." + Identifiers.quote(relation.name());
        return new Dataset(name, qualified, columns, key, definition.fetchSize());
    }

    private static void requireExisting(String dataset, String property, List<String> names,
            Map<String, CatalogColumn> columns, Relation relation) {
        for (String columnName : names) {
            if (!columns.containsKey(columnName)) {
                throw new InvalidDatasetException(dataset, property + " names column '" + columnName + "', which "
                        + relation.schema() + "." + relation.name() + " does not have");
            }
        }
    }

    private static void requireVisible(String dataset, String property, List<String> names, List<String> visible) {
        for (String columnName : names) {
            if (!visible.contains(columnName)) {
                throw new InvalidDatasetException(dataset,
                        property + " names column '" + columnName + "', which is not among the dataset's columns");
            }
        }
    }

    /**
     * PostgreSQL's own categorization of types for to_jsonb(), keyed on the base type.
     */
    static JsonKind kind(long oid, char typtype, char typcategory, int typlen, long typelem) {
        if (typtype == 'c' || (typcategory == 'A' && typlen == -1 && typelem != 0)) {
            return JsonKind.COMPUTED;
        }
        return switch ((int) oid) {
            case 16 -> JsonKind.BOOLEAN;
            case 20, 21, 23, 1700 -> JsonKind.NUMBER;
            case 700, 701 -> JsonKind.FLOAT;
            case 1114, 1184 -> JsonKind.TIMESTAMP;
            case 3802 -> JsonKind.RAW_JSON;
            case 114 -> JsonKind.COMPUTED;
            default -> (typtype == 'e' || oid < FIRST_NORMAL_OBJECT_ID) ? JsonKind.STRING : JsonKind.COMPUTED;
        };
    }

    private record Relation(long oid, String schema, String name, String kind) {
    }

    private record CatalogColumn(String name, String type, String baseType, JsonKind kind) {
    }

}
