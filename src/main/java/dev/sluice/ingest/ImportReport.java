package dev.sluice.ingest;

import java.util.List;

/**
 * The answer to an import: what was received, written and rejected. With
 * {@code dryRun=true}, "written" is what would have been written.
 *
 * @param dataset the dataset's name
 * @param format {@code ndjson} or {@code csv}
 * @param mode {@code insert} or {@code upsert}
 * @param onError {@code abort} or {@code skip}
 * @param dryRun whether nothing was committed on purpose
 * @param received lines that held a row or were rejected (not blank lines or a header)
 * @param written rows inserted or updated
 * @param inserted rows inserted
 * @param updated rows updated (mode=upsert)
 * @param rejected lines rejected
 * @param errors the first errors, by line
 * @param errorsOmitted errors there were beyond those listed
 */
public record ImportReport(String dataset, String format, String mode, String onError, boolean dryRun, long received,
        long written, long inserted, long updated, long rejected, List<ImportError> errors, long errorsOmitted) {

    public ImportReport {
        errors = List.copyOf(errors);
    }

}
