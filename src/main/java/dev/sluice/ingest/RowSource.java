package dev.sluice.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CancellationException;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The body as COPY data: reads records, checks each is UTF-8 and not too long, parses it,
 * and hands out the staging rows in chunks. Called for one chunk at a time, on an import
 * thread (reading blocks). Stops early once so many lines were rejected that the import
 * will be aborted anyway.
 */
final class RowSource {

    private final BodySource body;

    private final RowParser parser;

    private final CopyRows rows;

    private final ErrorLog errors;

    private final int maxLineLength;

    private final boolean quotes;

    private final long stopAfter;

    private @Nullable InputStream in;

    private @Nullable RecordReader reader;

    private volatile boolean finished;

    private volatile boolean closed;

    private long received;

    private long stoppedAt;

    private @Nullable ImportError fatal;

    private volatile @Nullable Throwable failure;

    /**
     * @param stopAfter rejected lines after which reading stops
     */
    RowSource(BodySource body, RowParser parser, CopyRows rows, ErrorLog errors, int maxLineLength, boolean quotes,
            long stopAfter) {
        this.body = body;
        this.parser = parser;
        this.rows = rows;
        this.errors = errors;
        this.maxLineLength = maxLineLength;
        this.quotes = quotes;
        this.stopAfter = stopAfter;
    }

    boolean finished() {
        return this.finished;
    }

    /**
     * The next chunk of COPY data (the caller owns it), or null once the body is read.
     */
    synchronized @Nullable ByteBuf next() throws IOException {
        if (this.finished) {
            return null;
        }
        try {
            if (this.reader == null) {
                this.in = this.body.open();
                this.reader = new RecordReader(this.in, this.maxLineLength, this.quotes);
            }
            while (true) {
                ByteBuf full = this.rows.takeFull();
                if (full != null) {
                    this.body.received(this.received);
                    return full;
                }
                if (this.fatal != null || this.errors.count() > this.stopAfter || !this.reader.next()) {
                    if (this.closed) {
                        throw new CancellationException("The import was cancelled");
                    }
                    if (this.fatal == null && this.errors.count() > this.stopAfter) {
                        this.stoppedAt = this.reader.line();
                    }
                    end();
                    this.body.received(this.received);
                    return this.rows.takeRest();
                }
                record(this.reader);
            }
        }
        catch (IOException | RuntimeException | Error ex) {
            this.failure = ex;
            end();
            this.rows.close();
            throw ex;
        }
    }

    /**
     * Lines that held a row or were rejected (blank lines and a header are not counted).
     */
    long received() {
        return this.received;
    }

    /** The line at which reading stopped because too many were rejected, or 0. */
    long stoppedAt() {
        return this.stoppedAt;
    }

    /** Why reading failed (the body broke off, is not gzip, is too large), if it did. */
    @Nullable Throwable failure() {
        return this.failure;
    }

    /** What ended the import as a whole (a bad CSV header), if anything. */
    @Nullable ImportError fatal() {
        return this.fatal;
    }

    /**
     * Stops reading, from any thread without blocking: a read that waits for the body
     * returns.
     */
    void stop() {
        this.closed = true;
        this.body.abort();
    }

    /**
     * Stops reading and releases what the source holds, once the thread that reads has
     * let go of it (so this may wait for the chunk being read).
     */
    void close() {
        stop();
        synchronized (this) {
            end();
            this.rows.close();
        }
    }

    private void record(RecordReader reader) {
        long line = reader.line();
        boolean header = this.parser.expectsHeader();
        if (reader.tooLong()) {
            reject(header, line, "the line is longer than the limit of " + this.maxLineLength + " bytes",
                    ErrorKind.TOO_LONG);
            return;
        }
        byte[] bytes = reader.buffer();
        int offset = reader.offset();
        int length = reader.length();
        if (length == 0 && !header) {
            return;
        }
        int invalid = Utf8.invalidAt(bytes, offset, length);
        if (invalid >= 0) {
            reject(header, line, Utf8.reason(bytes, offset, invalid), ErrorKind.MALFORMED);
            return;
        }
        try {
            if (this.parser.parse(bytes, offset, length, line) != RowParser.Outcome.NOTHING) {
                this.received++;
            }
        }
        catch (FatalImportException ex) {
            this.fatal = ex.error();
        }
    }

    private void reject(boolean header, long line, String reason, ErrorKind kind) {
        if (header) {
            this.fatal = ImportError.of(line, null, "the header row: " + reason, kind);
        }
        else {
            this.received++;
            this.errors.reject(line, null, reason, kind);
        }
    }

    private void end() {
        this.finished = true;
        InputStream in = this.in;
        this.in = null;
        if (in != null) {
            try {
                in.close();
            }
            catch (IOException ex) {
                // nothing more will be read from it
            }
        }
    }

}
