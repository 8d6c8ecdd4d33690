package dev.sluice.bench;

import java.util.List;
import java.util.Locale;

import dev.sluice.DemoData;
import dev.sluice.bench.StreamBenchmark.Measurement;

/**
 * What {@link StreamBenchmark} measured, as plain text. MB are 10^6 bytes; memory is in
 * MiB, like {@code -Xmx}.
 */
record Report(long rows, int clients, List<String> serverJvmArguments, Measurement copy, Measurement warmUp,
        Phase single, Phase concurrent, List<Measurement> each, Phase localJob, Phase s3Job, boolean rssPeakReset,
        String streamSha256) {

    /** A measured phase and the server's memory during it. */
    record Phase(Measurement measurement, ServerMemory memory, CpuUse cpu) {
    }

    private static final String ROW = "%-44s %9.2f %13s %9.1f %10.1f%n";

    private static final String MEMORY_ROW = "%-44s %14s %10s %10s%n";

    String format() {
        StringBuilder report = new StringBuilder();
        line(report, "Sluice streaming benchmark%n");
        line(report, "  machine : %d processors, %s %s (%s), %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
        line(report, "  rows    : %,d of %s; %d concurrent clients in (3)%n", this.rows, DemoData.TABLE, this.clients);
        line(report, "  server  : its own JVM, %s, GC %s%n", String.join(" ", this.serverJvmArguments),
                String.join(" + ", this.single.memory().collectors()));
        line(report, "  note    : PostgreSQL, the server and the clients share the processors%n");
        line(report, "  checked : every download and both jobs' files hold ids 1 to %,d once each, in key order,%n"
                + "            and equal the warm-up stream (sha256 %s)%n%n", this.rows, this.streamSha256);
        line(report, "%-44s %9s %13s %9s %10s%n", "", "seconds", "rows/s", "MB/s", "MB");
        row(report, "(1) PostgreSQL COPY row_to_json, best of 2", this.copy);
        row(report, "    warm-up: server, 1 client (not compared)", this.warmUp);
        row(report, "(2) server NDJSON, 1 client", this.single.measurement());
        row(report, "(3) server NDJSON, " + this.clients + " clients, aggregate", this.concurrent.measurement());
        row(report, "(4) export job, NDJSON to local storage", this.localJob.measurement());
        row(report, "(5) export job, NDJSON to S3Mock", this.s3Job.measurement());
        line(report, "    each client took %.2f s to %.2f s%n%n",
                this.each.stream().mapToDouble(Measurement::seconds).min().orElse(0),
                this.each.stream().mapToDouble(Measurement::seconds).max().orElse(0));
        double streamed = this.single.measurement().rowsPerSecond();
        line(report, "(2)/(1) rows/s: %.2f%n", streamed / this.copy.rowsPerSecond());
        line(report, "(3)/(1) rows/s: %.2f%n", this.concurrent.measurement().rowsPerSecond() / this.copy.rowsPerSecond());
        line(report, "(4)/(2) rows/s: %.2f%n", this.localJob.measurement().rowsPerSecond() / streamed);
        line(report, "(5)/(2) rows/s: %.2f%n%n", this.s3Job.measurement().rowsPerSecond() / streamed);
        line(report, MEMORY_ROW, "server memory", "peak heap used", "max heap", "peak RSS");
        memory(report, "(2) 1 client", this.single.memory());
        memory(report, "(3) " + this.clients + " clients", this.concurrent.memory());
        memory(report, "(4) export job, local", this.localJob.memory());
        memory(report, "(5) export job, S3Mock (second server)", this.s3Job.memory());
        line(report, "%n%-44s %10s %10s %14s%n", "CPU seconds", "server", "S3Mock", "machine busy");
        cpu(report, "(2) 1 client", this.single.cpu());
        cpu(report, "(3) " + this.clients + " clients", this.concurrent.cpu());
        cpu(report, "(4) export job, local", this.localJob.cpu());
        cpu(report, "(5) export job, S3Mock", this.s3Job.cpu());
        line(report, "machine busy: of the processors' time during the phase; the rest of it is PostgreSQL, the%n"
                + "benchmark's client and the system%n%n");
        line(report, "peak heap used: the heap pools' peaks summed (an upper bound), since the phase began%n");
        line(report, "peak RSS: VmHWM, %s%n", this.rssPeakReset ? "since the phase began"
                : "since the server started (the kernel refused to reset it)");
        return report.toString();
    }

    private static void row(StringBuilder report, String label, Measurement measurement) {
        line(report, ROW, label, measurement.seconds(),
                String.format(Locale.ROOT, "%,.0f", measurement.rowsPerSecond()), measurement.megabytesPerSecond(),
                measurement.bytes() / 1e6);
    }

    private static void memory(StringBuilder report, String label, ServerMemory memory) {
        line(report, MEMORY_ROW, label, mebibytes(memory.peakHeapUsed()), mebibytes(memory.maxHeap()),
                mebibytes(memory.peakRss()));
    }

    private static void cpu(StringBuilder report, String label, CpuUse cpu) {
        line(report, "%-44s %10.1f %10s %14s%n", label, cpu.server(),
                (cpu.store() < 0) ? "-" : String.format(Locale.ROOT, "%.1f", cpu.store()),
                (cpu.machineBusy() < 0) ? "n/a"
                        : String.format(Locale.ROOT, "%.1f of %.1f", cpu.machineBusy(), cpu.machine()));
    }

    private static String mebibytes(long bytes) {
        return (bytes < 0) ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void line(StringBuilder report, String format, Object... arguments) {
        report.append(String.format(Locale.ROOT, format, arguments));
    }

}
