package dev.sluice.ingest;

/**
 * One file of an import job, as planned at submission.
 *
 * @param key where the file is in storage
 * @param dataset the dataset the export read it from
 * @param target the dataset of this server it is imported into
 * @param format {@code ndjson} or {@code csv}
 * @param rows the rows the manifest says it holds
 * @param bytes the stored bytes the manifest says it has
 * @param sha256 the stored bytes' SHA-256 the manifest gives
 */
record ImportJobFile(String name, String key, String dataset, String target, String format, boolean gzip, long rows,
        long bytes, String sha256) {
}
