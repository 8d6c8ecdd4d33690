package dev.sluice.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Files in a local directory. A file is written as {@code <name>.partial}, fsync'ed at
 * every segment, and renamed into place only when complete, so a reader never sees a
 * partial file under the final name.
 */
public class LocalStorage implements Storage {

    private static final Log logger = LogFactory.getLog(LocalStorage.class);

    private static final String PARTIAL = ".partial";

    private static final ExecutorService SYNCS = Executors.newCachedThreadPool((task) -> {
        Thread thread = new Thread(task, "export-fsync");
        thread.setDaemon(true);
        return thread;
    });

    private final Path directory;

    private final long checkpointSize;

    public LocalStorage(StorageProperties.Local settings) {
        this.directory = settings.directory().toAbsolutePath().normalize();
        this.checkpointSize = settings.checkpointSize().toBytes();
        try {
            Files.createDirectories(this.directory);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot create the export directory " + this.directory, ex);
        }
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public void check(Duration timeout) throws IOException {
        if (!Files.isDirectory(this.directory) || !Files.isWritable(this.directory)) {
            throw new IOException("The export directory " + this.directory + " is not a writable directory");
        }
    }

    @Override
    public FileUpload upload(String key, @Nullable UploadState resume) throws IOException {
        Path target = path(key);
        Path partial = partial(target);
        Files.createDirectories(target.getParent());
        if (resume == null) {
            return new LocalFileUpload(FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), partial, target, 0);
        }
        if (!Files.exists(partial) || Files.size(partial) < resume.bytes()) {
            throw new StaleUploadException(
                    "The partial file " + partial + " is missing or shorter than its checkpoint");
        }
        FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
        // Bytes after the checkpoint belong to a segment that never became durable.
        channel.truncate(resume.bytes());
        channel.position(resume.bytes());
        return new LocalFileUpload(channel, partial, target, resume.bytes());
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        Path target = path(key);
        Path partial = partial(target);
        Files.createDirectories(target.getParent());
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(channel, content, 0, content.length);
            channel.force(false);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public InputStream read(String key) throws IOException {
        return Files.newInputStream(path(key));
    }

    @Override
    public void delete(List<String> keys) throws IOException {
        for (String key : keys) {
            Path target = path(key);
            Files.deleteIfExists(target);
            Files.deleteIfExists(partial(target));
            try {
                Files.deleteIfExists(target.getParent());
            }
            catch (DirectoryNotEmptyException ex) {
                // other files of the export remain
            }
        }
    }

    @Override
    public boolean readsBack() {
        return true;
    }

    @Override
    public InputStream readPartial(String key, long length) throws IOException {
        return new BoundedInputStream(Files.newInputStream(partial(path(key))), length);
    }

    @Override
    public Download download(String key) {
        return new Download.LocalFile(path(key));
    }

    private Path path(String key) {
        Path path = this.directory.resolve(key).normalize();
        if (!path.startsWith(this.directory) || path.equals(this.directory)) {
            throw new IllegalArgumentException("Not a file key: " + key);
        }
        return path;
    }

    private static Path partial(Path target) {
        return target.resolveSibling(target.getFileName() + PARTIAL);
    }

    private static void writeFully(FileChannel channel, byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private final class LocalFileUpload implements FileUpload {

        private final FileChannel channel;

        private final Path partial;

        private final Path target;

        private long size;

        private long segment;

        LocalFileUpload(FileChannel channel, Path partial, Path target, long size) {
            this.channel = channel;
            this.partial = partial;
            this.target = target;
            this.size = size;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writeFully(this.channel, bytes, offset, length);
            this.size += length;
            this.segment += length;
        }

        @Override
        public boolean segmentFull() {
            return this.segment >= LocalStorage.this.checkpointSize;
        }

        // The fsync runs beside the writes that follow (it flushes them too, which does
        // no
        // harm): the query does not wait for the disk at every checkpoint.
        @Override
        public CompletableFuture<UploadState> cut() {
            this.segment = 0;
            UploadState state = UploadState.local(this.size);
            return CompletableFuture.supplyAsync(() -> {
                try {
                    this.channel.force(false);
                    return state;
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }, SYNCS);
        }

        @Override
        public long complete() throws IOException {
            this.channel.force(false);
            this.channel.close();
            Files.move(this.partial, this.target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return this.size;
        }

        @Override
        public void abort() {
            release();
            try {
                Files.deleteIfExists(this.partial);
            }
            catch (IOException ex) {
                logger.warn("Could not delete " + this.partial, ex);
            }
        }

        @Override
        public void release() {
            try {
                this.channel.close();
            }
            catch (IOException ex) {
                logger.warn("Could not close " + this.partial, ex);
            }
        }

    }

    /** At most {@code limit} bytes of a stream. */
    private static final class BoundedInputStream extends FilterInputStream {

        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (this.left <= 0) {
                return -1;
            }
            int b = super.read();
            this.left -= (b != -1) ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (this.left <= 0) {
                return -1;
            }
            int read = super.read(bytes, offset, (int) Math.min(length, this.left));
            this.left -= Math.max(read, 0);
            return read;
        }

    }

}
