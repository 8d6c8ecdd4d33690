package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

/**
 * What a body of {@code demo_events} NDJSON holds, read as it arrives: its lines, whether
 * every line's {@code id} is the one after the line's before (1, 2, 3 ...), and a
 * checksum to compare it with other bodies. CRC32C where many bodies are compared with
 * one (it costs the benchmark's client little); SHA-256 where a body is compared with the
 * digest an export job states.
 */
final class BodyCheck {

    private static final byte[] KEY_START = "{\"id\":".getBytes(StandardCharsets.US_ASCII);

    private final CRC32C crc = new CRC32C();

    private final @Nullable MessageDigest sha256;

    private long lines;

    private long bytes;

    private long misplaced;

    private @Nullable String firstMisplaced;

    /** The current line: how much of KEY_START it matched, and its key's digits. */
    private int matched;

    private int digits;

    private boolean keyEnded;

    private boolean lineOpen;

    private long key;

    private BodyCheck(boolean sha256) {
        try {
            this.sha256 = sha256 ? MessageDigest.getInstance("SHA-256") : null;
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static BodyCheck crc() {
        return new BodyCheck(false);
    }

    static BodyCheck sha256() {
        return new BodyCheck(true);
    }

    void update(byte[] buffer, int offset, int length) {
        this.crc.update(buffer, offset, length);
        if (this.sha256 != null) {
            this.sha256.update(buffer, offset, length);
        }
        this.bytes += length;
        for (int i = offset; i < offset + length; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                endLine();
            }
            else {
                this.lineOpen = true;
                if (!this.keyEnded) {
                    readKey(b);
                }
            }
        }
    }

    private void readKey(byte b) {
        if (this.matched < KEY_START.length) {
            if (b == KEY_START[this.matched]) {
                this.matched++;
            }
            else {
                this.keyEnded = true;
            }
        }
        else if (b >= '0' && b <= '9') {
            this.key = this.key * 10 + (b - '0');
            this.digits++;
        }
        else {
            this.keyEnded = true;
        }
    }

    private void endLine() {
        this.lines++;
        boolean keyRead = this.matched == KEY_START.length && this.digits > 0;
        if (!keyRead || this.key != this.lines) {
            this.misplaced++;
            if (this.firstMisplaced == null) {
                this.firstMisplaced = keyRead ? String.format(Locale.ROOT, "line %,d holds id %,d", this.lines, this.key)
                        : String.format(Locale.ROOT, "line %,d has no id first", this.lines);
            }
        }
        this.matched = 0;
        this.digits = 0;
        this.keyEnded = false;
        this.lineOpen = false;
        this.key = 0;
    }

    long lines() {
        return this.lines;
    }

    long bytes() {
        return this.bytes;
    }

    /** The lines whose id is not their line number. */
    long misplaced() {
        return this.misplaced;
    }

    long crc32c() {
        return this.crc.getValue();
    }

    String sha256Hex() {
        if (this.sha256 == null) {
            throw new IllegalStateException("No SHA-256 was asked for");
        }
        return HexFormat.of().formatHex(this.sha256.digest());
    }

    /**
     * Fails unless the body holds ids 1 to {@code rows} in order, ends with a newline, and
     * (where {@code reference} is given) has the same bytes.
     */
    void expect(long rows, @Nullable BodyCheck reference, String what) {
        if (this.lineOpen) {
            throw new IllegalStateException(what + " does not end with a newline");
        }
        if (this.lines != rows || this.misplaced != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: %,d lines (expected %,d), %,d not in key order (first: %s)", what, this.lines, rows,
                    this.misplaced, this.firstMisplaced));
        }
        if (reference != null && (reference.bytes != this.bytes || reference.crc32c() != crc32c())) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: %,d bytes with CRC32C %08x, where the reference stream has %,d bytes with %08x", what,
                    this.bytes, crc32c(), reference.bytes, reference.crc32c()));
        }
    }

}
