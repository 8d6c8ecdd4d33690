/**
 * The selection language (PostgREST-style filters, select, order, limit, after) and the
 * SQL it becomes.
 */
@NullMarked
package dev.sluice.query;

import org.jspecify.annotations.NullMarked;
