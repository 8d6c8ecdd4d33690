package dev.sluice.ingest;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;

/**
 * An HTTP request body as a blocking stream for an import thread: a few buffers read
 * ahead, gzip undone if the client sent it so (several gzip members in a row are one
 * stream, as the export writes them), and the size limited before and after
 * decompression.
 */
final class RequestBody implements BodySource {

    private static final int READ_AHEAD = 16;

    private final Publisher<DataBuffer> body;

    private final boolean gzip;

    private final long maxBytes;

    private volatile @Nullable InputStream raw;

    private volatile boolean aborted;

    RequestBody(Publisher<DataBuffer> body, boolean gzip, long maxBytes) {
        this.body = body;
        this.gzip = gzip;
        this.maxBytes = maxBytes;
    }

    @Override
    public InputStream open() throws IOException {
        if (this.aborted) {
            throw new IOException("The import was cancelled before its body was read");
        }
        InputStream raw = DataBufferUtils.subscriberInputStream(this.body, READ_AHEAD);
        this.raw = raw;
        if (this.aborted) {
            raw.close();
        }
        InputStream limited = new Limited(raw, this.maxBytes);
        if (!this.gzip) {
            return limited;
        }
        try {
            return new Limited(new GZIPInputStream(limited, 64 * 1024), this.maxBytes);
        }
        catch (ZipException | EOFException ex) {
            throw invalidGzip(ex);
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
                // closing only cancels the subscription
            }
        }
    }

    // gzip's faults are the client's: 400 rather than a failed read.
    private static BadImportException invalidGzip(IOException ex) {
        return new BadImportException(HttpStatus.BAD_REQUEST, "Invalid gzip",
                "The body was sent with Content-Encoding: gzip but is not valid gzip (" + ex.getMessage()
                        + "). Nothing was written.");
    }

    /** Fails once more than the limit has been read, or the body is not valid gzip. */
    private static final class Limited extends FilterInputStream {

        private final long max;

        private long count;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read;
            try {
                read = this.in.read(buffer, offset, length);
            }
            catch (ZipException | EOFException ex) {
                throw invalidGzip(ex);
            }
            if (read > 0) {
                this.count += read;
                if (this.count > this.max) {
                    throw new BadImportException(HttpStatus.CONTENT_TOO_LARGE, "Body too large",
                            "The body is larger than the limit of " + this.max
                                    + " bytes (sluice.imports.max-body-size; with gzip, counted after decompression)."
                                    + " Nothing was written.");
                }
            }
            return read;
        }

    }

}
