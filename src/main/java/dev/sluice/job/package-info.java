/**
 * What export and import jobs share: a replica's loop that claims jobs while it has
 * capacity and runs each on a thread of its own.
 */
@NullMarked
package dev.sluice.job;

import org.jspecify.annotations.NullMarked;
