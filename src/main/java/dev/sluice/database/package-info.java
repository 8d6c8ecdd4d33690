/**
 * Running a selection on a pooled R2DBC connection with a portal, and translating
 * database errors.
 */
@NullMarked
package dev.sluice.database;

import org.jspecify.annotations.NullMarked;
