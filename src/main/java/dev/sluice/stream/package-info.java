/**
 * The HTTP endpoints that read: the catalog of datasets and the stream of a dataset's
 * rows.
 */
@NullMarked
package dev.sluice.stream;

import org.jspecify.annotations.NullMarked;
