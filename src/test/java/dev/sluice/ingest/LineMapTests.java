package dev.sluice.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineMapTests {

    @Test
    void rowsFollowLinesUntilLinesAreSkipped() {
        LineMap map = new LineMap();
        for (long line : new long[] { 1, 2, 3, 6, 7, 9, 10 }) {
            map.add(line);
        }
        assertThat(map.line(1)).isEqualTo(1);
        assertThat(map.line(3)).isEqualTo(3);
        assertThat(map.line(4)).isEqualTo(6);
        assertThat(map.line(5)).isEqualTo(7);
        assertThat(map.line(6)).isEqualTo(9);
        assertThat(map.line(7)).isEqualTo(10);
        // Rows COPY never got.
        assertThat(map.line(0)).isZero();
        assertThat(map.line(8)).isZero();
    }

    @Test
    void aHeaderShiftsEveryRow() {
        LineMap map = new LineMap();
        for (long line = 2; line <= 1000; line++) {
            map.add(line);
        }
        assertThat(map.line(1)).isEqualTo(2);
        assertThat(map.line(999)).isEqualTo(1000);
    }

    @Test
    void pastTheLastPointKeptLinesAreNotKnown() {
        LineMap map = new LineMap();
        long line = 0;
        // Every other line skipped: each row is a new point.
        for (int row = 1; row <= LineMap.MAX_POINTS + 10; row++) {
            line += 2;
            map.add(line);
        }
        assertThat(map.line(1)).isEqualTo(2);
        assertThat(map.line(LineMap.MAX_POINTS)).isEqualTo(2L * LineMap.MAX_POINTS);
        assertThat(map.line(LineMap.MAX_POINTS + 1)).isZero();
        assertThat(map.line(LineMap.MAX_POINTS + 10)).isZero();
    }

}
