package dev.sluice.export;

import org.jspecify.annotations.Nullable;

/** The SHA-256 of a file being written. */
interface FileHash {

    void update(byte[] bytes, int offset, int length);

    /**
     * A state to resume from in another process, or null if this hash cannot save one.
     */
    byte @Nullable [] state();

    /** The digest of everything so far, as lower-case hex; hashing may go on. */
    String hex();

}
