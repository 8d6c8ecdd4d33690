/**
 * Datasets declared in configuration and the schema read for them from the PostgreSQL
 * catalog.
 */
@NullMarked
package dev.sluice.catalog;

import org.jspecify.annotations.NullMarked;
