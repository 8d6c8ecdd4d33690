package dev.sluice.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import dev.sluice.storage.FileUpload;
import dev.sluice.storage.UploadState;
import org.jspecify.annotations.Nullable;

/**
 * Writes a part's chunks to its file, in segments: compressed (each segment its own gzip
 * member, so a resumed file is still one valid gzip stream), hashed, and cut where the
 * storage asks. A segment's checkpoint is published once the storage reports it durable.
 * Runs on the job's thread and may block.
 */
final class PartWriter {

    private final FileUpload upload;

    private final FileHash hash;

    private final @Nullable Integer gzipLevel;

    private final Progress progress;

    private final Deque<Pending> pending = new ArrayDeque<>();

    private final OutputStream sink = new OutputStream() {

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            PartWriter.this.upload.write(bytes, offset, length);
            PartWriter.this.hash.update(bytes, offset, length);
            PartWriter.this.bytes += length;
        }

    };

    private @Nullable GZIPOutputStream member;

    private long rows;

    private long bytes;

    private @Nullable List<String> lastKey;

    /**
     * @param gzipLevel the compression level, or null for none
     * @param start the checkpoint the file continues from, or null for a new file
     */
    /**
     * @param hash the hash of the file so far (everything up to {@code start})
     */
    PartWriter(FileUpload upload, FileHash hash, @Nullable Integer gzipLevel, @Nullable Checkpoint start,
            Progress progress) {
        this.upload = upload;
        this.gzipLevel = gzipLevel;
        this.progress = progress;
        this.hash = hash;
        this.rows = (start != null) ? start.rows() : 0;
        this.bytes = (start != null) ? start.upload().bytes() : 0;
        this.lastKey = (start != null) ? start.lastKey() : null;
        progress.update(this.rows, this.bytes);
    }

    /** Writes a chunk; cuts a segment after it if the storage asks for one. */
    void write(Chunk chunk) throws IOException {
        if (chunk.bytes().length > 0) {
            out().write(chunk.bytes());
        }
        this.rows += chunk.rows();
        this.lastKey = chunk.lastKey();
        this.progress.update(this.rows, this.bytes);
        // After the final chunk the file is completed, not cut.
        if (!chunk.last() && this.upload.segmentFull()) {
            cut();
        }
        publishDurable();
    }

    /**
     * Completes the file.
     * @return the file's rows, size and SHA-256
     */
    WrittenFile finish() throws IOException {
        if (this.gzipLevel != null && this.member == null && this.bytes == 0) {
            out(); // an empty file is still one (empty) gzip member
        }
        endMember();
        long size = this.upload.complete();
        this.progress.update(this.rows, size);
        return new WrittenFile(this.rows, size, this.hash.hex());
    }

    private OutputStream out() throws IOException {
        if (this.gzipLevel == null) {
            return this.sink;
        }
        if (this.member == null) {
            int level = this.gzipLevel;
            this.member = new GZIPOutputStream(this.sink, 64 * 1024) {
                {
                    this.def.setLevel(level);
                }
            };
        }
        return this.member;
    }

    private void endMember() throws IOException {
        if (this.member != null) {
            // Closing ends the member and frees its deflater; the sink's close does
            // nothing.
            this.member.close();
            this.member = null;
        }
    }

    private void cut() throws IOException {
        endMember();
        List<String> key = this.lastKey;
        long rowsAtCut = this.rows;
        byte @Nullable [] hashState = this.hash.state();
        this.pending.add(new Pending(this.upload.cut(), rowsAtCut, key, hashState));
    }

    private void publishDurable() throws IOException {
        while (!this.pending.isEmpty() && this.pending.peek().durable().isDone()) {
            Pending done = this.pending.poll();
            try {
                UploadState state = done.durable().get();
                this.progress.checkpoint(new Checkpoint(done.rows(), done.key(), done.hashState(), state));
            }
            catch (ExecutionException ex) {
                throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted", ex);
            }
        }
    }

    private record Pending(CompletableFuture<UploadState> durable, long rows, @Nullable List<String> key,
            byte @Nullable [] hashState) {
    }

    /** A completed file. */
    record WrittenFile(long rows, long bytes, String sha256) {
    }

    /** Where the writer reports how far it got. Called on the job's thread. */
    interface Progress {

        void update(long rows, long bytes);

        void checkpoint(Checkpoint checkpoint);

    }

}
