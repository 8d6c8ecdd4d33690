/** The Sluice application: a streaming export server for PostgreSQL datasets. */
@NullMarked
package dev.sluice;

import org.jspecify.annotations.NullMarked;
