package dev.sluice.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The UTF-8 check against the JDK's strict decoder, and the cases PostgreSQL refuses. */
class Utf8Tests {

    @ParameterizedTest
    @CsvSource({ "41 42 43, -1", "C3 A9, -1", "E2 82 AC, -1", "F0 9F 98 80, -1", "F4 8F BF BF, -1", "41 00 42, 1",
            "C0 AF, 0", "C1 BF, 0", "E0 80 AF, 0", "ED A0 80, 0", "F0 80 80 AF, 0", "F4 90 80 80, 0", "F5 80 80 80, 0",
            "80, 0", "41 C3, 1", "E2 82, 0", "FF, 0" })
    void findsTheFirstInvalidByte(String hex, int expected) {
        byte[] bytes = bytes(hex);
        assertThat(Utf8.invalidAt(bytes, 0, bytes.length)).isEqualTo(expected);
    }

    @Test
    void agreesWithTheJdkOnRandomBytes() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            random.nextBytes(bytes);
            for (int b = 0; b < bytes.length; b++) {
                if (bytes[b] == 0) {
                    bytes[b] = 1;
                }
            }
            assertThat(Utf8.invalidAt(bytes, 0, bytes.length) < 0).as(() -> java.util.HexFormat.of().formatHex(bytes))
                .isEqualTo(jdkAccepts(bytes));
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
            return true;
        }
        catch (CharacterCodingException ex) {
            return false;
        }
    }

    private static byte[] bytes(String hex) {
        String[] parts = hex.split(" ");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

}
