/**
 * Importing rows: {@code POST /v1/datasets/{name}/rows} with NDJSON or CSV, streamed
 * through a staging table into the dataset's table in one transaction; and import jobs
 * ({@code /v1/imports}), every file of a stored export in one transaction.
 */
@NullMarked
package dev.sluice.ingest;

import org.jspecify.annotations.NullMarked;
