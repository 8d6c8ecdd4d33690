package dev.sluice.export;

import java.util.List;

import dev.sluice.encode.Format;
import dev.sluice.query.Selection;
import org.jspecify.annotations.Nullable;

/**
 * A validated export request.
 *
 * @param format the files' format
 * @param compression the files' compression
 * @param consistency whether the parts read one snapshot
 * @param parts the files, in request order
 */
record ExportPlan(Format format, Compression compression, Consistency consistency, List<Part> parts) {

    ExportPlan {
        parts = List.copyOf(parts);
    }

    /**
     * @param dataset the dataset's name
     * @param query the query string as given
     * @param selection the parsed query
     * @param fileName the file's name within the export
     * @param estimatedRows the planner's estimate, or null
     */
    record Part(String dataset, String query, Selection selection, String fileName, @Nullable Long estimatedRows) {
    }

}
