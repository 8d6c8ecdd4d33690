package dev.sluice.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * SHA-256 against the NIST vectors and the JDK's digest, across update splits and saved
 * and restored states.
 */
class Sha256Tests {

    private static final HexFormat HEX = HexFormat.of();

    // The version 1 encoding of a fresh hash: version, the FIPS 180-4 initial words, zero
    // length. Spelled out so that a change to the stored format cannot go unnoticed.
    private static final String EMPTY_STATE = "01" + "6a09e667bb67ae853c6ef372a54ff53a"
            + "510e527f9b05688c1f83d9ab5be0cd19" + "0000000000000000";

    @ParameterizedTest
    @CsvSource(delimiter = '|',
            textBlock = """
                    ''  | e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                    abc | ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
                    abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq | 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1
                    abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu | cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1
                    """)
    void nistVectors(String message, String digest) {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        Sha256 sha = new Sha256();
        sha.update(bytes, 0, bytes.length);
        assertThat(sha.hex()).isEqualTo(digest);
        assertThat(sha.length()).isEqualTo(bytes.length);
    }

    @Test
    void nistMillionAs() {
        byte[] thousand = new byte[1000];
        Arrays.fill(thousand, (byte) 'a');
        Sha256 sha = new Sha256();
        for (int i = 0; i < 1000; i++) {
            sha.update(thousand, 0, thousand.length);
        }
        assertThat(sha.hex()).isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        assertThat(sha.length()).isEqualTo(1_000_000);
    }

    @Test
    void matchesMessageDigestForEveryLengthUpTo1100SplitAtRandom() {
        Random random = new Random(1);
        for (int length = 0; length <= 1100; length++) {
            byte[] message = bytes(random, length);
            Sha256 sha = new Sha256();
            updateInRandomPieces(sha, random, message, 0, length, 150);
            assertThat(sha.hex()).as("length %d", length).isEqualTo(messageDigest(message));
            assertThat(sha.length()).isEqualTo(length);
        }
    }

    @Test
    void matchesMessageDigestForMebibytesReadFromTheMiddleOfLargerArrays() {
        Random random = new Random(2);
        for (int length : new int[] { 1 << 20, 3 * (1 << 20) + 17 }) {
            // Bytes around the message that must not be hashed.
            byte[] array = bytes(random, length + 200);
            int offset = 97;
            Sha256 sha = new Sha256();
            updateInRandomPieces(sha, random, array, offset, length, 100_000);
            assertThat(sha.hex()).isEqualTo(messageDigest(Arrays.copyOfRange(array, offset, offset + length)));
        }
    }

    @Test
    void continuesFromAStateSavedAtAnyPoint() {
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            byte[] message = bytes(random, random.nextInt(700));
            int cut = random.nextInt(message.length + 1);
            assertContinuesAfterRestoreAt(random, message, cut);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 640 })
    void continuesFromAStateSavedOnAndAroundBlockBoundaries(int cut) {
        Random random = new Random(cut);
        assertContinuesAfterRestoreAt(random, bytes(random, 1000), cut);
    }

    @Test
    void continuesFromStatesSavedRepeatedlyThroughAMebibyte() {
        Random random = new Random(4);
        byte[] message = bytes(random, 1 << 20);
        Sha256 sha = new Sha256();
        int position = 0;
        while (position < message.length) {
            int piece = Math.min(random.nextInt(50_000), message.length - position);
            sha.update(message, position, piece);
            position += piece;
            sha = Sha256.restore(sha.state());
        }
        assertThat(sha.hex()).isEqualTo(messageDigest(message));
    }

    @Test
    void stateOfAFreshHashIsTheInitialWordsAndZeroLength() {
        assertThat(HEX.formatHex(new Sha256().state())).isEqualTo(EMPTY_STATE);
    }

    @Test
    void stateKeepsThePartialBlockAfterTheLength() {
        Sha256 sha = new Sha256();
        sha.update("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
        assertThat(HEX.formatHex(sha.state()))
            .isEqualTo(EMPTY_STATE.substring(0, EMPTY_STATE.length() - 16) + "0000000000000003" + "616263");
    }

    @Test
    void restoresAStateWrittenByHand() {
        byte[] state = HEX
            .parseHex(EMPTY_STATE.substring(0, EMPTY_STATE.length() - 16) + "0000000000000003" + "616263");
        Sha256 sha = Sha256.restore(state);
        assertThat(sha.length()).isEqualTo(3);
        assertThat(sha.hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void hexLeavesTheStateAsItWas() {
        Random random = new Random(5);
        byte[] message = bytes(random, 300);
        Sha256 sha = new Sha256();
        sha.update(message, 0, 130);
        byte[] before = sha.state();
        String first = sha.hex();
        assertThat(sha.hex()).isEqualTo(first).isEqualTo(messageDigest(Arrays.copyOf(message, 130)));
        assertThat(sha.state()).isEqualTo(before);
        assertThat(sha.length()).isEqualTo(130);
        sha.update(message, 130, 170);
        assertThat(sha.hex()).isEqualTo(messageDigest(message)).isNotEqualTo(first);
    }

    @Test
    void hexOnABlockBoundaryThenMoreInput() {
        Random random = new Random(6);
        byte[] message = bytes(random, 200);
        Sha256 sha = new Sha256();
        sha.update(message, 0, 64);
        assertThat(sha.hex()).isEqualTo(messageDigest(Arrays.copyOf(message, 64)));
        Sha256 restored = Sha256.restore(sha.state());
        restored.update(message, 64, 136);
        assertThat(restored.hex()).isEqualTo(messageDigest(message));
    }

    @Test
    void restoreRejectsEveryTruncationAndExtension() {
        Random random = new Random(7);
        for (int length : new int[] { 0, 5, 63, 64, 100 }) {
            Sha256 sha = new Sha256();
            sha.update(bytes(random, length), 0, length);
            byte[] state = sha.state();
            for (int truncated = 0; truncated < state.length; truncated++) {
                byte[] prefix = Arrays.copyOf(state, truncated);
                assertThatIllegalArgumentException().as("%d of %d bytes", truncated, state.length)
                    .isThrownBy(() -> Sha256.restore(prefix))
                    .withMessageStartingWith("SHA-256 state");
            }
            byte[] extended = Arrays.copyOf(state, state.length + 1);
            assertThatIllegalArgumentException().isThrownBy(() -> Sha256.restore(extended))
                .withMessageContaining("partial block");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 2, 0xff })
    void restoreRejectsUnknownVersions(int version) {
        byte[] state = new Sha256().state();
        state[0] = (byte) version;
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256.restore(state))
            .withMessage("SHA-256 state has version " + version + "; only version 1 is known");
    }

    @ParameterizedTest
    @ValueSource(longs = { -1, Long.MIN_VALUE, 1L << 61 })
    void restoreRejectsImpossibleLengths(long length) {
        byte[] state = new Sha256().state();
        setLength(state, length);
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256.restore(state))
            .withMessageContaining("more than SHA-256 allows");
    }

    @Test
    void restoreRejectsALengthThatDisagreesWithThePartialBlock() {
        Sha256 sha = new Sha256();
        sha.update(new byte[10], 0, 10);
        byte[] state = sha.state();
        setLength(state, 11);
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256.restore(state))
            .withMessage("SHA-256 state has 10 bytes of partial block, but its message length of 11 bytes needs 11");
    }

    @Test
    void updateChecksItsRangeBeforeChangingAnything() {
        Sha256 sha = new Sha256();
        sha.update(new byte[10], 0, 10);
        byte[] before = sha.state();
        byte[] bytes = new byte[8];
        assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> sha.update(bytes, 4, 5));
        assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> sha.update(bytes, -1, 2));
        assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> sha.update(bytes, 0, -1));
        assertThat(sha.state()).isEqualTo(before);
    }

    private static void assertContinuesAfterRestoreAt(Random random, byte[] message, int cut) {
        Sha256 first = new Sha256();
        updateInRandomPieces(first, random, message, 0, cut, 100);
        byte[] state = first.state();
        assertThat(state).hasSize(41 + cut % 64);
        // Through base64 and back, as the job table stores it.
        Sha256 second = Sha256.restore(Base64.getDecoder().decode(Base64.getEncoder().encodeToString(state)));
        assertThat(second.length()).isEqualTo(cut);
        assertThat(second.state()).isEqualTo(state);
        updateInRandomPieces(second, random, message, cut, message.length - cut, 100);
        assertThat(second.hex()).as("cut at %d of %d", cut, message.length).isEqualTo(messageDigest(message));
        assertThat(second.length()).isEqualTo(message.length);
    }

    private static void updateInRandomPieces(Sha256 sha, Random random, byte[] bytes, int offset, int length,
            int maxPiece) {
        int end = offset + length;
        while (offset < end) {
            // Empty updates included, as a stream's empty buffers would be.
            int piece = Math.min(random.nextInt(maxPiece + 1), end - offset);
            sha.update(bytes, offset, piece);
            offset += piece;
        }
    }

    private static void setLength(byte[] state, long length) {
        IntStream.range(0, 8).forEach((i) -> state[33 + i] = (byte) (length >>> (56 - 8 * i)));
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String messageDigest(byte[] message) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(message));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
