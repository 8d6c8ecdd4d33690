/** The HTTP endpoint that streams a dataset's rows. */
@NullMarked
package dev.sluice.stream;

import org.jspecify.annotations.NullMarked;
