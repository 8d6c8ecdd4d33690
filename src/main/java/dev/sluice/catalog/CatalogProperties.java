package dev.sluice.catalog;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
     */
    public record DatasetDefinition(String table, List<String> key, @Nullable List<String> columns,
            @Nullable List<String> filterable, @Nullable Integer fetchSize) {
    }

}
