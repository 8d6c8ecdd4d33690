package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where a phase's CPU time went: the server's process, the object store's (when there is
 * one) and the whole machine's, from {@code /proc/stat} (everything else is PostgreSQL,
 * the benchmark's client and the system).
 *
 * @param server the server's CPU seconds
 * @param store the object store's CPU seconds, or -1 without one
 * @param machineBusy the machine's busy CPU seconds, or -1 without {@code /proc/stat}
 * @param machine the CPU seconds the machine had (wall time times processors)
 */
record CpuUse(double server, double store, double machineBusy, double machine) {

    /** Measures CPU time from now until {@link Start#stop()}. */
    static Start start(Supplier<Duration> server, Supplier<Duration> store) {
        return new Start(server, store, server.get(), store.get(), machineTicks(), System.nanoTime());
    }

    record Start(Supplier<Duration> server, Supplier<Duration> store, Duration serverAt, Duration storeAt,
            long machineAt, long nanosAt) {

        CpuUse stop() {
            long machine = machineTicks();
            double wall = (System.nanoTime() - this.nanosAt) / 1e9;
            double busy = (machine < 0 || this.machineAt < 0) ? -1 : (machine - this.machineAt) / TICKS_PER_SECOND;
            Duration store = this.store.get();
            return new CpuUse(seconds(this.server.get().minus(this.serverAt)),
                    store.isZero() ? -1 : seconds(store.minus(this.storeAt)), busy,
                    wall * Runtime.getRuntime().availableProcessors());
        }

    }

    // USER_HZ is 100 on every Linux this runs on.
    private static final double TICKS_PER_SECOND = 100;

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    // Busy ticks (user, nice, system, irq, softirq, steal) of the "cpu" line, or -1.
    private static long machineTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] { 1, 2, 3, 6, 7, 8 }) {
                busy += Long.parseLong(fields[i]);
            }
            return busy;
        }
        catch (IOException | RuntimeException ex) {
            return -1;
        }
    }

}
