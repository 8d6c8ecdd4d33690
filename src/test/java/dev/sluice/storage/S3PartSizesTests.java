package dev.sluice.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class S3PartSizesTests {

    private static final long MIB = 1L << 20;

    private static final long GIB = 1L << 30;

    private static final long TIB = 1L << 40;

    @Test
    void firstThousandPartsHaveTheBaseSize() {
        for (int number = 1; number <= 1000; number++) {
            assertThat(S3PartSizes.size(5 * MIB, number)).isEqualTo(5 * MIB);
            assertThat(S3PartSizes.size(8 * MIB, number)).isEqualTo(8 * MIB);
        }
    }

    @Test
    void sizeDoublesEveryThousandParts() {
        assertThat(S3PartSizes.size(8 * MIB, 1001)).isEqualTo(16 * MIB);
        assertThat(S3PartSizes.size(8 * MIB, 2000)).isEqualTo(16 * MIB);
        assertThat(S3PartSizes.size(8 * MIB, 2001)).isEqualTo(32 * MIB);
        assertThat(S3PartSizes.size(8 * MIB, 9000)).isEqualTo(2 * GIB);
        assertThat(S3PartSizes.size(8 * MIB, 9001)).isEqualTo(4 * GIB);
        assertThat(S3PartSizes.size(8 * MIB, 10_000)).isEqualTo(4 * GIB);
    }

    @Test
    void sizesNeverShrinkAndStayWithinS3Limits() {
        for (long base : new long[] { 5 * MIB, 8 * MIB, 64 * MIB, 5 * GIB }) {
            long previous = 0;
            for (int number = 1; number <= 10_000; number++) {
                long size = S3PartSizes.size(base, number);
                assertThat(size).isGreaterThanOrEqualTo(previous).isBetween(5 * MIB, 5 * GIB);
                previous = size;
            }
        }
    }

    @Test
    void sizeIsCappedAtFiveGib() {
        assertThat(S3PartSizes.size(64 * MIB, 8001)).isEqualTo(5 * GIB);
        assertThat(S3PartSizes.size(5 * GIB, 1)).isEqualTo(5 * GIB);
    }

    @ParameterizedTest
    @ValueSource(longs = { 5 * MIB, 5 * MIB + 1, 5_373_956, 5_373_957, 6 * MIB, 8 * MIB, 100 * MIB, 5 * GIB })
    void tenThousandPartsHoldFiveTib(long base) {
        assertThat(S3PartSizes.capacity(base, 10_000)).isGreaterThanOrEqualTo(5 * TIB);
    }

    @Test
    void smallestBaseOnlyGrowsTheLastThousandParts() {
        // 1023 * 5000 MiB (about 4.88 TiB) with plain doubling: the last thousand parts
        // make up the difference
        assertThat(S3PartSizes.capacity(5 * MIB, 9000)).isEqualTo(511 * 1000 * 5 * MIB);
        long last = S3PartSizes.size(5 * MIB, 9001);
        assertThat(last).isGreaterThan(2560 * MIB).isLessThan(2689 * MIB);
        assertThat(S3PartSizes.size(5 * MIB, 10_000)).isEqualTo(last);
        assertThat(S3PartSizes.capacity(5 * MIB, 10_000)).isLessThan(5 * TIB + 1000);
    }

    @Test
    void rejectsWhatS3DoesNotAllow() {
        assertThatIllegalArgumentException().isThrownBy(() -> S3PartSizes.size(5 * MIB - 1, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> S3PartSizes.size(5 * GIB + 1, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> S3PartSizes.size(5 * MIB, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> S3PartSizes.size(5 * MIB, 10_001));
    }

}
