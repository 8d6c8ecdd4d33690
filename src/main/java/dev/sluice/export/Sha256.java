package dev.sluice.export;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Objects;

/**
 * SHA-256 (FIPS 180-4) whose state can be saved and restored, so that an export resumed
 * after a crash, possibly in another JVM, continues its file's digest without reading
 * back what it had already written. {@link java.security.MessageDigest} cannot export its
 * state, which is the only reason this class exists; it is slower than the JDK's
 * intrinsic, so use it only where the state must outlive the JVM.
 * <p>
 * Not thread-safe.
 */
public final class Sha256 implements FileHash {

    // Layout of version 1: version byte, 8 big-endian hash words, big-endian message
    // length in bytes, then the length % 64 bytes of the partial block. Stored states
    // outlive deployments: change the layout only under a new version byte.
    private static final byte VERSION = 1;

    private static final int HEADER = 1 + 8 * Integer.BYTES + Long.BYTES;

    private static final int BLOCK = 64;

    // FIPS 180-4 caps a message at 2^64 - 1 bits; in bytes that is below 2^61, which
    // also keeps the bit count in the padding from overflowing.
    private static final long MAX_LENGTH = (1L << 61) - 1;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final int[] INITIAL = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
            0x1f83d9ab, 0x5be0cd19 };

    private static final int[] K = { 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
            0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138,
            0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70,
            0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
            0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa,
            0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };

    private final int[] hash;

    private final byte[] buffer = new byte[BLOCK];

    // The message schedule, reused so that hashing allocates nothing.
    private final int[] schedule = new int[64];

    private long length;

    public Sha256() {
        this(INITIAL.clone(), 0);
    }

    private Sha256(int[] hash, long length) {
        this.hash = hash;
        this.length = length;
    }

    /**
     * Restore a hash from what {@link #state()} returned.
     * @param state an encoded state
     * @return a hash that continues where the saved one stopped
     * @throws IllegalArgumentException if {@code state} is not a state this class encodes
     */
    public static Sha256 restore(byte[] state) {
        Objects.requireNonNull(state, "state");
        if (state.length == 0) {
            throw new IllegalArgumentException("SHA-256 state is empty");
        }
        if (state[0] != VERSION) {
            throw new IllegalArgumentException(
                    "SHA-256 state has version " + (state[0] & 0xff) + "; only version " + VERSION + " is known");
        }
        if (state.length < HEADER) {
            throw new IllegalArgumentException(
                    "SHA-256 state is " + state.length + " bytes; a version 1 state has at least " + HEADER);
        }
        long length = (long) LONG_BE.get(state, HEADER - Long.BYTES);
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("SHA-256 state has a message length of " + Long.toUnsignedString(length)
                    + " bytes, more than SHA-256 allows");
        }
        int buffered = (int) (length % BLOCK);
        if (state.length != HEADER + buffered) {
            throw new IllegalArgumentException("SHA-256 state has " + (state.length - HEADER)
                    + " bytes of partial block, but its message length of " + length + " bytes needs " + buffered);
        }
        int[] hash = new int[8];
        for (int i = 0; i < 8; i++) {
            hash[i] = (int) INT_BE.get(state, 1 + i * Integer.BYTES);
        }
        Sha256 restored = new Sha256(hash, length);
        System.arraycopy(state, HEADER, restored.buffer, 0, buffered);
        return restored;
    }

    /**
     * Hash {@code length} bytes of {@code bytes} from {@code offset}.
     * @param bytes the bytes
     * @param offset where to start in {@code bytes}
     * @param length how many bytes to hash
     */
    @Override
    public void update(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > MAX_LENGTH - this.length) {
            throw new IllegalStateException("SHA-256 input would exceed 2^61 - 1 bytes");
        }
        int buffered = (int) (this.length % BLOCK);
        this.length += length;
        if (buffered > 0) {
            int taken = Math.min(BLOCK - buffered, length);
            System.arraycopy(bytes, offset, this.buffer, buffered, taken);
            if (buffered + taken < BLOCK) {
                return;
            }
            compress(this.hash, this.buffer, 0, 1);
            offset += taken;
            length -= taken;
        }
        // Whole blocks straight from the caller's array: on a large export almost every
        // byte takes this path, and none of them is copied.
        int blocks = length / BLOCK;
        if (blocks > 0) {
            compress(this.hash, bytes, offset, blocks);
            offset += blocks * BLOCK;
            length -= blocks * BLOCK;
        }
        System.arraycopy(bytes, offset, this.buffer, 0, length);
    }

    /**
     * The number of bytes hashed so far.
     * @return the message length in bytes
     */
    public long length() {
        return this.length;
    }

    /**
     * The digest of everything hashed so far, leaving this hash as it was, so that
     * hashing can continue or the state still be saved.
     * @return 64 lowercase hex digits
     */
    @Override
    public String hex() {
        // Pad into a copy of the partial block and finish on a copy of the hash words.
        int buffered = (int) (this.length % BLOCK);
        byte[] tail = new byte[(buffered < BLOCK - Long.BYTES) ? BLOCK : 2 * BLOCK];
        System.arraycopy(this.buffer, 0, tail, 0, buffered);
        tail[buffered] = (byte) 0x80;
        LONG_BE.set(tail, tail.length - Long.BYTES, this.length * 8);
        int[] hash = this.hash.clone();
        compress(hash, tail, 0, tail.length / BLOCK);
        byte[] digest = new byte[32];
        for (int i = 0; i < 8; i++) {
            INT_BE.set(digest, i * Integer.BYTES, hash[i]);
        }
        return HexFormat.of().formatHex(digest);
    }

    /**
     * The full state in a compact encoding that {@link #restore(byte[])} reads: 41 bytes
     * plus the partial block, at most 104 bytes in all.
     * @return the encoded state
     */
    @Override
    public byte[] state() {
        int buffered = (int) (this.length % BLOCK);
        byte[] state = new byte[HEADER + buffered];
        state[0] = VERSION;
        for (int i = 0; i < 8; i++) {
            INT_BE.set(state, 1 + i * Integer.BYTES, this.hash[i]);
        }
        LONG_BE.set(state, HEADER - Long.BYTES, this.length);
        System.arraycopy(this.buffer, 0, state, HEADER, buffered);
        return state;
    }

    private void compress(int[] hash, byte[] input, int offset, int blocks) {
        int[] w = this.schedule;
        int h0 = hash[0];
        int h1 = hash[1];
        int h2 = hash[2];
        int h3 = hash[3];
        int h4 = hash[4];
        int h5 = hash[5];
        int h6 = hash[6];
        int h7 = hash[7];
        for (int block = 0; block < blocks; block++, offset += BLOCK) {
            for (int i = 0; i < 16; i++) {
                w[i] = (int) INT_BE.get(input, offset + i * Integer.BYTES);
            }
            for (int i = 16; i < 64; i++) {
                int x = w[i - 15];
                int y = w[i - 2];
                int s0 = Integer.rotateRight(x, 7) ^ Integer.rotateRight(x, 18) ^ (x >>> 3);
                int s1 = Integer.rotateRight(y, 17) ^ Integer.rotateRight(y, 19) ^ (y >>> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
            int a = h0;
            int b = h1;
            int c = h2;
            int d = h3;
            int e = h4;
            int f = h5;
            int g = h6;
            int h = h7;
            // Eight rounds per pass with the variables' roles rotated by hand, instead of
            // shifting eight values along after every round.
            for (int i = 0; i < 64; i += 8) {
                h += bigSigma1(e) + choose(e, f, g) + K[i] + w[i];
                d += h;
                h += bigSigma0(a) + majority(a, b, c);
                g += bigSigma1(d) + choose(d, e, f) + K[i + 1] + w[i + 1];
                c += g;
                g += bigSigma0(h) + majority(h, a, b);
                f += bigSigma1(c) + choose(c, d, e) + K[i + 2] + w[i + 2];
                b += f;
                f += bigSigma0(g) + majority(g, h, a);
                e += bigSigma1(b) + choose(b, c, d) + K[i + 3] + w[i + 3];
                a += e;
                e += bigSigma0(f) + majority(f, g, h);
                d += bigSigma1(a) + choose(a, b, c) + K[i + 4] + w[i + 4];
                h += d;
                d += bigSigma0(e) + majority(e, f, g);
                c += bigSigma1(h) + choose(h, a, b) + K[i + 5] + w[i + 5];
                g += c;
                c += bigSigma0(d) + majority(d, e, f);
                b += bigSigma1(g) + choose(g, h, a) + K[i + 6] + w[i + 6];
                f += b;
                b += bigSigma0(c) + majority(c, d, e);
                a += bigSigma1(f) + choose(f, g, h) + K[i + 7] + w[i + 7];
                e += a;
                a += bigSigma0(b) + majority(b, c, d);
            }
            h0 += a;
            h1 += b;
            h2 += c;
            h3 += d;
            h4 += e;
            h5 += f;
            h6 += g;
            h7 += h;
        }
        hash[0] = h0;
        hash[1] = h1;
        hash[2] = h2;
        hash[3] = h3;
        hash[4] = h4;
        hash[5] = h5;
        hash[6] = h6;
        hash[7] = h7;
    }

    private static int bigSigma0(int x) {
        return Integer.rotateRight(x, 2) ^ Integer.rotateRight(x, 13) ^ Integer.rotateRight(x, 22);
    }

    private static int bigSigma1(int x) {
        return Integer.rotateRight(x, 6) ^ Integer.rotateRight(x, 11) ^ Integer.rotateRight(x, 25);
    }

    private static int choose(int x, int y, int z) {
        return z ^ (x & (y ^ z));
    }

    private static int majority(int x, int y, int z) {
        return (x & y) | (z & (x | y));
    }

}
