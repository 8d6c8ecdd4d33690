/** NDJSON, CSV and JSON writers that turn rows into reusable byte chunks. */
@NullMarked
package dev.sluice.encode;

import org.jspecify.annotations.NullMarked;
