package dev.sluice.export;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Encoded rows on their way to storage.
 *
 * @param bytes the encoded bytes, ending at a row boundary
 * @param rows how many rows end in this chunk
 * @param lastKey the key of the chunk's last row, or null when the part cannot resume
 * after a key
 * @param last whether this is the stream's final chunk
 */
record Chunk(byte[] bytes, int rows, @Nullable List<String> lastKey, boolean last) {

    Chunk {
        lastKey = (lastKey != null) ? List.copyOf(lastKey) : null;
    }

}
