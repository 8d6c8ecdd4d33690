package dev.sluice.export;

import java.util.List;

import dev.sluice.storage.UploadState;
import org.jspecify.annotations.Nullable;

/**
 * Where a resumed run continues a part's file: everything up to here is durable in
 * storage.
 *
 * @param rows rows in the file so far
 * @param lastKey the key of the last of them, or null if the part's order is not the
 * key's (the file can then only be started over)
 * @param hashState the file's SHA-256 state ({@link Sha256#state()}), or null where the
 * storage reads the partial file back to hash it again
 * @param upload what the storage needs to continue the file
 */
record Checkpoint(long rows, @Nullable List<String> lastKey, byte @Nullable [] hashState, UploadState upload) {

    Checkpoint {
        lastKey = (lastKey != null) ? List.copyOf(lastKey) : null;
    }

    boolean resumable() {
        return this.lastKey != null;
    }

}
