package dev.sluice.export;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.sluice.storage.Download;
import dev.sluice.storage.FileUpload;
import dev.sluice.storage.Storage;
import dev.sluice.storage.UploadState;
import org.jspecify.annotations.Nullable;

/**
 * A storage under a type of its own, so that only the test context that defines it runs
 * its jobs (every cached context's worker polls the same job table), and that can hold a
 * run at the start of a chosen file until the test lets it go.
 */
final class GatedStorage implements Storage {

    private final Storage delegate;

    private final String type;

    private final AtomicReference<@Nullable Gate> gate = new AtomicReference<>();

    GatedStorage(Storage delegate, String type) {
        this.delegate = delegate;
        this.type = type;
    }

    /** Holds the next run that starts a file whose key ends with {@code suffix}. */
    Gate close(String suffix) {
        Gate closed = new Gate(suffix);
        this.gate.set(closed);
        return closed;
    }

    @Override
    public String type() {
        return this.type;
    }

    @Override
    public FileUpload upload(String key, @Nullable UploadState resume) throws IOException {
        Gate current = this.gate.get();
        if (current != null && key.endsWith(current.suffix) && this.gate.compareAndSet(current, null)) {
            current.hold();
        }
        return this.delegate.upload(key, resume);
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        this.delegate.put(key, content);
    }

    @Override
    public InputStream read(String key) throws IOException {
        return this.delegate.read(key);
    }

    @Override
    public void delete(List<String> keys) throws IOException {
        this.delegate.delete(keys);
    }

    @Override
    public boolean readsBack() {
        return this.delegate.readsBack();
    }

    @Override
    public InputStream readPartial(String key, long length) throws IOException {
        return this.delegate.readPartial(key, length);
    }

    @Override
    public void check(Duration timeout) throws IOException {
        this.delegate.check(timeout);
    }

    @Override
    public Download download(String key) {
        return this.delegate.download(key);
    }

    /** One held run: the test waits for it to arrive, then opens. */
    static final class Gate {

        private final String suffix;

        private final CountDownLatch arrived = new CountDownLatch(1);

        private final CountDownLatch opened = new CountDownLatch(1);

        private Gate(String suffix) {
            this.suffix = suffix;
        }

        private void hold() throws IOException {
            this.arrived.countDown();
            try {
                if (!this.opened.await(2, TimeUnit.MINUTES)) {
                    throw new IOException("The test never opened the gate at " + this.suffix);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted at the gate", ex);
            }
        }

        void awaitArrival() throws InterruptedException {
            if (!this.arrived.await(1, TimeUnit.MINUTES)) {
                throw new AssertionError("No run reached the file " + this.suffix);
            }
        }

        void open() {
            this.opened.countDown();
        }

    }

}
