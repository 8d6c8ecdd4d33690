package dev.sluice.stream;

import java.util.List;

import dev.sluice.catalog.Catalog;
import dev.sluice.catalog.Column;
import dev.sluice.catalog.Dataset;
import dev.sluice.security.Caller;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lists the datasets and describes one: its columns with their PostgreSQL types, and its
 * key. A caller sees the datasets it holds a scope of (an administrator sees all): the
 * names and columns of the others are not theirs to learn.
 */
@RestController
class CatalogController {

    private final Catalog catalog;

    CatalogController(Catalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/datasets")
    List<DatasetDescription> datasets(Caller caller) {
        return this.catalog.datasets().stream().filter(caller::maySee).map(DatasetDescription::of).toList();
    }

    @GetMapping("/v1/datasets/{name}")
    DatasetDescription dataset(@PathVariable String name, Caller caller) {
        Dataset dataset = this.catalog.dataset(name);
        caller.requireSight(dataset);
        return DatasetDescription.of(dataset);
    }

    record DatasetDescription(String name, List<ColumnDescription> columns, List<String> key) {

        static DatasetDescription of(Dataset dataset) {
            return new DatasetDescription(dataset.name(),
                    dataset.columns()
                        .stream()
                        .map((column) -> new ColumnDescription(column.name(), column.type(), column.filterable()))
                        .toList(),
                    dataset.key().stream().map(Column::name).toList());
        }

    }

    record ColumnDescription(String name, String type, boolean filterable) {
    }

}
