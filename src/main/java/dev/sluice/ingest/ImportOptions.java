package dev.sluice.ingest;

/**
 * How one import runs, from its request's parameters and headers.
 *
 * @param format the body's format
 * @param upsert whether a row whose key exists is updated (otherwise it is an error)
 * @param skip whether bad lines are skipped (otherwise one aborts the import)
 * @param maxErrors with skip, the most lines that may be rejected before the import is
 * aborted
 * @param dryRun whether the transaction is rolled back at the end whatever happens
 */
record ImportOptions(InputFormat format, boolean upsert, boolean skip, long maxErrors, boolean dryRun) {

    /** Lines that may be rejected without aborting the import. */
    long tolerated() {
        return this.skip ? this.maxErrors : 0;
    }

}
