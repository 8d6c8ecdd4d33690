package dev.sluice.export;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code manifest.json}, written beside an export's files: what an import of the whole
 * export reads. {@link #FORMAT_VERSION} changes whenever a reader would misread it.
 *
 * @param formatVersion the manifest's format version
 * @param server the server that wrote it
 * @param createdAt when it was written
 * @param export the export
 * @param files the files, in request order
 */
record Manifest(int formatVersion, Server server, Instant createdAt, Export export, List<File> files) {

    static final String NAME = "manifest.json";

    static final int FORMAT_VERSION = 1;

    byte[] toJson(JsonMapper json) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    }

    record Server(String name, String version) {
    }

    /**
     * @param consistency {@code snapshot} when every file was read from {@code snapshot},
     * {@code none} when each was read at its own moment
     * @param snapshot the point in time the files show, for {@code snapshot}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Export(String id, String format, String compression, String consistency,
            ExportView.@Nullable SnapshotView snapshot) {
    }

    /**
     * @param selection the part's query string, as the rows endpoint takes it
     * @param columns the columns in file order, with their PostgreSQL types
     */
    record File(String name, String dataset, String selection, List<Column> columns, long rows, long bytes,
            String sha256) {
    }

    record Column(String name, String type) {
    }

}
