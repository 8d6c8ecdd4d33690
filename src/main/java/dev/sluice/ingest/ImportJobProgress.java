package dev.sluice.ingest;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * How far an import job got with one file.
 *
 * @param rows lines received so far
 * @param bytes stored bytes read so far
 * @param inserted rows inserted, in the job's transaction (committed only with its
 * success)
 * @param updated rows updated, likewise
 * @param done whether the file is imported (and its checksums matched)
 * @param report the file's {@link ImportReport}, once done (as JSON: it is only shown)
 */
record ImportJobProgress(long rows, long bytes, long inserted, long updated, boolean done, @Nullable JsonNode report) {

    static final ImportJobProgress NONE = new ImportJobProgress(0, 0, 0, 0, false, null);

}
