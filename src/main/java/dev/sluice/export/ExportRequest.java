package dev.sluice.export;

import java.util.List;

import dev.sluice.web.JsonRequest;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/exports}.
 *
 * @param parts what to export, one file each
 * @param format {@code ndjson} (the default), {@code csv} or {@code json}
 * @param compression {@code none} (the default) or {@code gzip}
 * @param consistency {@code snapshot} (the default: every part reads one snapshot of the
 * database) or {@code none}
 */
record ExportRequest(@Nullable List<Part> parts, @Nullable String format, @Nullable String compression,
        @Nullable String consistency) implements JsonRequest {

    /**
     * @param dataset the dataset's name
     * @param query the rows endpoint's query string, such as
     * {@code select=id,kind&kind=eq.refund}; empty for every row
     */
    record Part(@Nullable String dataset, @Nullable String query) {
    }

}
