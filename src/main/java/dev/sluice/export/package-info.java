/**
 * Asynchronous export jobs: submitted over HTTP, kept in PostgreSQL, run by whichever
 * replica has capacity, written to storage in checkpointed segments.
 */
@NullMarked
package dev.sluice.export;

import org.jspecify.annotations.NullMarked;
