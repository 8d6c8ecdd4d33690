package dev.sluice.ingest;

import java.util.Arrays;

/**
 * Which line of the body each row sent to COPY came from, so that PostgreSQL's "COPY t,
 * line n" can be told as the body's line. Rows follow lines one to one except where lines
 * were skipped (blank or rejected): only those points are kept, at most
 * {@link #MAX_POINTS} of them; past the last one kept, lines are no longer known.
 */
final class LineMap {

    static final int MAX_POINTS = 4096;

    // From row rows[i] on, line = row + offsets[i].
    private long[] rows = new long[16];

    private long[] offsets = new long[16];

    private int points;

    private long count;

    private long offset;

    private long unknownFrom = Long.MAX_VALUE;

    /** Records that the next row came from this line. */
    void add(long line) {
        this.count++;
        long drift = line - this.count;
        if (drift == this.offset) {
            return;
        }
        this.offset = drift;
        if (this.points == MAX_POINTS) {
            this.unknownFrom = Math.min(this.unknownFrom, this.count);
            return;
        }
        if (this.points == this.rows.length) {
            this.rows = Arrays.copyOf(this.rows, 2 * this.points);
            this.offsets = Arrays.copyOf(this.offsets, 2 * this.points);
        }
        this.rows[this.points] = this.count;
        this.offsets[this.points] = drift;
        this.points++;
    }

    /**
     * The line of the body that row {@code row} (1-based, as COPY counts) came from, or 0
     * if it is not known.
     */
    long line(long row) {
        if (row < 1 || row > this.count || row >= this.unknownFrom) {
            return 0;
        }
        int found = Arrays.binarySearch(this.rows, 0, this.points, row);
        int point = (found >= 0) ? found : -found - 2;
        return row + ((point >= 0) ? this.offsets[point] : 0);
    }

}
