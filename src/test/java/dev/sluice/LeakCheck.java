package dev.sluice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a leaked buffer while it ran (the suite runs with
 * {@code -Dio.netty.leakDetectionLevel=paranoid}). Registered for every test class
 * through the JUnit extension service file.
 */
public class LeakCheck implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        // Leaks are reported when a collected buffer is found on the next allocation:
        // collect, then allocate.
        System.gc();
        Thread.sleep(100);
        for (int i = 0; i < 100; i++) {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
            buffer.release();
        }
        if (!LeakRecorder.reports.isEmpty()) {
            String first = LeakRecorder.reports.get(0);
            int count = LeakRecorder.reports.size();
            LeakRecorder.reports.clear();
            throw new AssertionError(count + " leaked buffer(s) reported while " + context.getDisplayName()
                    + " ran. First report:\n" + first);
        }
    }

}
