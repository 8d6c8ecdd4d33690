package dev.sluice.storage;

import java.net.URI;
import java.nio.file.Path;

/** How a client gets a stored file. */
public sealed interface Download {

    /** Served by Sluice itself from the local directory. */
    record LocalFile(Path path) implements Download {
    }

    /** Fetched by the client from the store (a presigned URL). */
    record Redirect(URI uri) implements Download {
    }

}
