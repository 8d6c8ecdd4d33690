package dev.sluice.export;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * The JDK's SHA-256, several times faster than {@link Sha256} where the CPU has SHA
 * instructions, but without a state to save: for storage that can read a partial file
 * back, so a resumed file is hashed again from its start.
 */
final class JdkSha256 implements FileHash {

    private final MessageDigest digest;

    JdkSha256() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        this.digest.update(bytes, offset, length);
    }

    @Override
    public byte @Nullable [] state() {
        return null;
    }

    @Override
    public String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) this.digest.clone()).digest());
        }
        catch (CloneNotSupportedException ex) {
            throw new IllegalStateException("The JDK's SHA-256 can be cloned", ex);
        }
    }

}
