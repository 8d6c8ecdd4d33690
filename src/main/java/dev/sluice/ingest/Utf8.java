package dev.sluice.ingest;

/**
 * Strict UTF-8 validation, as PostgreSQL applies it: no overlong forms, no surrogates,
 * nothing past U+10FFFF, and no NUL (text cannot hold it). A COPY that met such a byte
 * would fail as a whole, so each line is checked before it is sent.
 */
final class Utf8 {

    private Utf8() {
    }

    /** The index of the first byte that is not valid, or -1 if all are. */
    static int invalidAt(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i];
            if (b > 0) {
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int size;
            int min = 0x80;
            int max = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                size = 2;
            }
            else if (lead >= 0xE0 && lead <= 0xEF) {
                size = 3;
                min = (lead == 0xE0) ? 0xA0 : 0x80;
                max = (lead == 0xED) ? 0x9F : 0xBF;
            }
            else if (lead >= 0xF0 && lead <= 0xF4) {
                size = 4;
                min = (lead == 0xF0) ? 0x90 : 0x80;
                max = (lead == 0xF4) ? 0x8F : 0xBF;
            }
            else {
                return i;
            }
            if (i + size > end) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k < size; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += size;
        }
        return -1;
    }

    /** Why the byte at {@code index} is not accepted, in plain words. */
    static String reason(byte[] bytes, int offset, int index) {
        int position = index - offset + 1;
        if (bytes[index] == 0) {
            return "the line holds a NUL byte at byte " + position + " (PostgreSQL text cannot hold NUL)";
        }
        return String.format("the line is not valid UTF-8: byte 0x%02X at byte %d starts no valid character",
                bytes[index] & 0xFF, position);
    }

}
