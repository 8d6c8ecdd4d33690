package dev.sluice.catalog;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The datasets this server exposes, by name.
 *
 * @param datasets each dataset's definition, keyed by the name used in URLs
 */
@ConfigurationProperties("sluice")
public record CatalogProperties(Map<String, DatasetDefinition> datasets) {

    public CatalogProperties {
        datasets = (datasets != null) ? Map.copyOf(datasets) : Map.of();
    }

    /**
     * One dataset as configured.
     *
     * @param table a table or view, optionally schema-qualified, as PostgreSQL's regclass
     * input accepts it
     * @param key one or more columns that are unique and non-null; they give the stream
     * its order
     * @param columns the columns clients may see (default: all)
     * @param filterable the columns clients may filter and order by (default: all visible
     * columns)
     * @param fetchSize rows per database round trip for this dataset (default:
     * sluice.stream.fetch-size)
     * @param access the scopes that allow each action on this dataset when security is on
     * (default: {@code <name>:read}, {@code <name>:export}, {@code <name>:write})
     * @param tenant a column bound to a claim of the caller's credential, or null
     */
    public record DatasetDefinition(String table, List<String> key, @Nullable List<String> columns,
            @Nullable List<String> filterable, @Nullable Integer fetchSize, @Nullable Access access,
            @Nullable Tenant tenant) {

        @ConstructorBinding
        public DatasetDefinition {
        }

        /** A dataset open to the default scopes and bound to no tenant. */
        public DatasetDefinition(String table, List<String> key, @Nullable List<String> columns,
                @Nullable List<String> filterable, @Nullable Integer fetchSize) {
            this(table, key, columns, filterable, fetchSize, null, null);
        }

    }

    /**
     * Who may do what with a dataset: any one of an action's scopes allows it. An action
     * left out falls back to its default scope.
     *
     * @param read scopes that allow streaming rows ({@code GET …/rows})
     * @param export scopes that allow export jobs of the dataset
     * @param write scopes that allow imports into the dataset (and import jobs)
     */
    public record Access(@Nullable List<String> read, @Nullable List<String> export, @Nullable List<String> write) {
    }

    /**
     * A tenant binding: every read, export and import is confined to the rows whose
     * {@code column} equals the caller's {@code claim}.
     *
     * @param column the dataset's column that holds the tenant
     * @param claim the credential's claim that names the caller's tenant
     */
    public record Tenant(String column, String claim) {
    }

}
