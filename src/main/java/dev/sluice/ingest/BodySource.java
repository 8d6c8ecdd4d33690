package dev.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where an import's bytes come from. The stream is opened and read on an import thread,
 * where blocking is allowed; {@link #abort()} may come from any thread and makes a read
 * that is waiting return or fail.
 */
interface BodySource {

    InputStream open() throws IOException;

    void abort();

    /** Told, once per chunk of COPY data, how many lines have been received so far. */
    default void received(long lines) {
    }

}
