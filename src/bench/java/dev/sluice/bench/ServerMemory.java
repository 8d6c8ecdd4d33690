package dev.sluice.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The server JVM's memory as {@code GET /bench/memory} reports it, in bytes (-1 where
 * unknown).
 *
 * @param peakHeapUsed sum of the heap pools' peak usage since the last reset: an upper
 * bound, as the pools need not peak at the same moment
 * @param maxHeap the heap's limit ({@code -Xmx})
 * @param peakRss the process's peak resident set ({@code VmHWM}), heap plus everything
 * off it (Netty's direct buffers, metaspace, code cache, thread stacks)
 * @param currentRss the process's resident set now ({@code VmRSS})
 * @param collectors the garbage collectors in use
 */
public record ServerMemory(long peakHeapUsed, long maxHeap, long peakRss, long currentRss, List<String> collectors) {

    private static final Path STATUS = Path.of("/proc/self/status");

    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    static ServerMemory current() {
        long peakHeapUsed = heapPools().stream().mapToLong((pool) -> pool.getPeakUsage().getUsed()).sum();
        List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans()
            .stream()
            .map(GarbageCollectorMXBean::getName)
            .toList();
        return new ServerMemory(peakHeapUsed, Runtime.getRuntime().maxMemory(), status("VmHWM:"), status("VmRSS:"),
                collectors);
    }

    /**
     * Starts the peaks over: the heap pools' always, the peak resident set where the
     * kernel allows ("5" to {@code /proc/self/clear_refs}, Linux 4.0+). Returns whether
     * the resident set's peak was reset.
     */
    static boolean resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        }
        catch (IOException | UnsupportedOperationException | SecurityException ex) {
            return false;
        }
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans()
            .stream()
            .filter((pool) -> pool.getType() == MemoryType.HEAP)
            .toList();
    }

    /** A {@code kB} line of /proc/self/status, in bytes. */
    private static long status(String field) {
        try {
            return Files.readAllLines(STATUS)
                .stream()
                .filter((line) -> line.startsWith(field))
                .mapToLong((line) -> Long.parseLong(line.substring(field.length()).replace("kB", "").trim()) * 1024)
                .findFirst()
                .orElse(-1);
        }
        catch (IOException ex) {
            return -1;
        }
    }

}
