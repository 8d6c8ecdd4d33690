/**
 * Where export files are written and read back: a local directory or an S3-compatible
 * bucket.
 */
@NullMarked
package dev.sluice.storage;

import org.jspecify.annotations.NullMarked;
