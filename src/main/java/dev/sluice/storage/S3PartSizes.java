package dev.sluice.storage;

/**
 * The size of each part of a multipart upload. S3 allows 10,000 parts of 5 MiB to 5 GiB
 * (all but the last at least 5 MiB) and objects up to 5 TiB, so parts grow: part
 * {@code n} holds {@code base * 2^((n - 1) / 1000)} bytes, capped at 5 GiB. With the
 * smallest bases that alone falls short of 5 TiB (a 5 MiB base reaches 1023 * 5000 MiB,
 * about 4.88 TiB), so the last thousand parts are made big enough to reach 5 TiB: for a 5
 * MiB base 2688 MiB instead of 2560 MiB. From a base of about 5.13 MiB on that changes
 * nothing.
 */
final class S3PartSizes {

    static final long MIN_PART = 5L << 20;

    static final long MAX_PART = 5L << 30;

    static final int MAX_PARTS = 10_000;

    static final long MAX_OBJECT = 5L << 40;

    private static final int PARTS_PER_STEP = 1000;

    private static final int LAST_STEP = (MAX_PARTS - 1) / PARTS_PER_STEP;

    private S3PartSizes() {
    }

    /**
     * The size of part {@code number} (1 to 10,000) for a first part size of {@code base}
     * (5 MiB to 5 GiB).
     */
    static long size(long base, int number) {
        if (base < MIN_PART || base > MAX_PART) {
            throw new IllegalArgumentException("base must be 5 MiB to 5 GiB, not " + base);
        }
        if (number < 1 || number > MAX_PARTS) {
            throw new IllegalArgumentException("number must be 1 to " + MAX_PARTS + ", not " + number);
        }
        int step = (number - 1) / PARTS_PER_STEP;
        long size = stepSize(base, step);
        if (step == LAST_STEP) {
            long earlier = 0;
            for (int i = 0; i < LAST_STEP; i++) {
                earlier += stepSize(base, i) * PARTS_PER_STEP;
            }
            long needed = ceilDiv(MAX_OBJECT - earlier, PARTS_PER_STEP);
            size = Math.min(MAX_PART, Math.max(size, needed));
        }
        return size;
    }

    /** How many bytes parts 1 to {@code parts} hold together. */
    static long capacity(long base, int parts) {
        long total = 0;
        for (int number = 1; number <= parts; number++) {
            total += size(base, number);
        }
        return total;
    }

    private static long stepSize(long base, int step) {
        // base <= 5 GiB and step <= 9: no overflow
        return Math.min(MAX_PART, base << step);
    }

    private static long ceilDiv(long dividend, long divisor) {
        return (dividend <= 0) ? 0 : (dividend + divisor - 1) / divisor;
    }

}
