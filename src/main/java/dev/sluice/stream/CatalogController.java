package dev.sluice.catalog;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lists the datasets and describes one: its columns with their PostgreSQL types, and its
 * key.
 */
@RestController
class CatalogController {

    private final Catalog catalog;

    CatalogController(Catalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/datasets")
    List<DatasetDescription> datasets() {
        return this.catalog.datasets().stream().map(DatasetDescription::of).toList();
    }

    @GetMapping("/v1/datasets/{name}")
    DatasetDescription dataset(@PathVariable String name) {
        return DatasetDescription.of(this.catalog.dataset(name));
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
