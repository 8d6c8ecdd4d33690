package dev.sluice.catalog;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The datasets this server exposes, read from the PostgreSQL catalog once at startup. */
public final class Catalog {

    private final Map<String, Dataset> datasets;

    public Catalog(Collection<Dataset> datasets) {
        TreeMap<String, Dataset> byName = new TreeMap<>();
        datasets.forEach((dataset) -> byName.put(dataset.name(), dataset));
        this.datasets = byName;
    }

    public Collection<Dataset> datasets() {
        return this.datasets.values();
    }

    /** The dataset of that name; a 404 problem when there is none. */
    public Dataset dataset(String name) {
        Dataset dataset = this.datasets.get(name);
        if (dataset == null) {
            throw new DatasetNotFoundException(name);
        }
        return dataset;
    }

}
