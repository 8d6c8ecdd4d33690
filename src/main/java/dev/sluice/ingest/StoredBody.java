package dev.sluice.ingest;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import dev.sluice.storage.Storage;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A stored export file as an import's body: streamed from storage, its stored bytes
 * counted and hashed as they pass (before gzip is undone, as the manifest hashes them),
 * and read to its very end once the rows are, so that bytes after the last row count too.
 */
final class StoredBody implements BodySource {

    private final Storage storage;

    private final String key;

    private final String name;

    private final boolean gzip;

    private final MessageDigest digest;

    private volatile long bytes;

    private volatile long lines;

    private volatile boolean complete;

    private volatile boolean aborted;

    private volatile @Nullable InputStream raw;

    private volatile @Nullable IOException readFailure;

    StoredBody(Storage storage, String key, String name, boolean gzip) {
        this.storage = storage;
        this.key = key;
        this.name = name;
        this.gzip = gzip;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }

    @Override
    public InputStream open() throws IOException {
        if (this.aborted) {
            throw new IOException("The import of " + this.name + " was cancelled before it was read");
        }
        InputStream raw;
        try {
            raw = this.storage.read(this.key);
        }
        catch (IOException ex) {
            this.readFailure = ex;
            throw ex;
        }
        this.raw = raw;
        if (this.aborted) {
            raw.close();
        }
        Hashed hashed = new Hashed(raw);
        try {
            return new Decoded(this.gzip ? new GZIPInputStream(hashed, 64 * 1024) : hashed, hashed);
        }
        catch (ZipException | EOFException ex) {
            throw notGzip(ex);
        }
    }

    @Override
    public void abort() {
        this.aborted = true;
        InputStream raw = this.raw;
        if (raw != null) {
            try {
                raw.close();
            }
            catch (IOException ex) {
                // nothing more will be read
            }
        }
    }

    @Override
    public void received(long lines) {
        this.lines = lines;
    }

    /** Stored bytes read so far. */
    long bytes() {
        return this.bytes;
    }

    /** Lines received so far. */
    long lines() {
        return this.lines;
    }

    /** Whether the file was read to its end, so that {@link #sha256()} is its hash. */
    boolean complete() {
        return this.complete;
    }

    String sha256() {
        return HexFormat.of().formatHex(this.digest.digest());
    }

    /** A failure to read from storage (a passing one, unlike a file that is not gzip). */
    @Nullable IOException readFailure() {
        return this.readFailure;
    }

    private BadImportException notGzip(IOException ex) {
        return new BadImportException(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid gzip",
                "The manifest says " + this.name + " is gzip, but it is not valid gzip (" + ex.getMessage() + ").");
    }

    /** The stored bytes, counted and hashed. */
    private final class Hashed extends ArrayReads {

        Hashed(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read;
            try {
                read = this.in.read(buffer, offset, length);
            }
            catch (IOException ex) {
                StoredBody.this.readFailure = ex;
                throw ex;
            }
            if (read > 0) {
                StoredBody.this.digest.update(buffer, offset, read);
                StoredBody.this.bytes += read;
            }
            return read;
        }

        // What a reader leaves after the rows (after gzip's last member, say) still
        // belongs to the file.
        void drain() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            while (read(buffer, 0, buffer.length) >= 0) {
                // hashed by read
            }
            StoredBody.this.complete = true;
        }

    }

    /** The content, gzip undone; at its end the stored file is read to its end. */
    private final class Decoded extends ArrayReads {

        private final Hashed hashed;

        Decoded(InputStream in, Hashed hashed) {
            super(in);
            this.hashed = hashed;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read;
            try {
                read = this.in.read(buffer, offset, length);
            }
            catch (ZipException | EOFException ex) {
                throw notGzip(ex);
            }
            if (read < 0 && !StoredBody.this.complete) {
                this.hashed.drain();
            }
            return read;
        }

    }

    /** A filter whose single-byte read goes through its array read. */
    private abstract static class ArrayReads extends FilterInputStream {

        ArrayReads(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xFF;
        }

    }

}
