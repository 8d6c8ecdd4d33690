package dev.sluice.ingest;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * How an import ended, decided inside its transaction.
 *
 * @param report what was received, written and rejected
 * @param abortStatus the status of an aborted import, or null if it succeeded
 * @param detail what went wrong, for an aborted import's problem
 */
record ImportResult(ImportReport report, @Nullable HttpStatus abortStatus, String detail) {

    /** Whether the transaction is to be committed. */
    boolean commit() {
        return this.abortStatus == null && !this.report.dryRun();
    }

    /** The report, or the problem of an aborted import. */
    ImportReport reportOrThrow() {
        if (this.abortStatus != null) {
            throw new ImportAbortedException(this.abortStatus, this.detail, this.report);
        }
        return this.report;
    }

}
