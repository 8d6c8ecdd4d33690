package dev.sluice.web;

/**
 * Compresses one response body chunk by chunk. Every chunk's output is complete
 * (flushed), so a client can decode what it has received so far. Calls come one at a
 * time; not thread-safe.
 */
interface Compressor {

    /** The compressed form of the next chunk of the body; may be empty. */
    byte[] compress(java.nio.ByteBuffer chunk);

    /** What ends the compressed body. */
    byte[] finish();

    /** Frees native memory; idempotent. */
    void close();

}
