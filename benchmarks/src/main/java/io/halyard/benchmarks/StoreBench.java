package io.halyard.benchmarks;

import io.halyard.log.DurabilityMode;
import io.halyard.log.FileStore;
import io.halyard.log.StoreOptions;
import io.halyard.log.StoredMessage;
import io.halyard.log.SubjectFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Whole-store benchmark for {@link FileStore} (issue 3): append rate and bandwidth at 16 B, 128 B and
 * 1 KiB with 1 and 4,096 appends in flight, in ALWAYS and NONE modes; reads by sequence and by
 * subject; and, in the same run, the disk's own sequential write bandwidth and fsync rate.
 *
 * <pre>java -cp benchmarks/target/halyard-benchmarks.jar io.halyard.benchmarks.StoreBench [dir] [seconds] [all|appends|reads]</pre>
 *
 * "In flight" = appended but not yet reported durable: the producer waits whenever that many are
 * outstanding, as a broker would with that many un-acknowledged publishes.
 */
public final class StoreBench {
    private static final int[] SIZES = {16, 128, 1024};
    private static final int[] IN_FLIGHT = {1, 4096};
    private static final String SUBJECT = "bench.orders";

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"))
                .resolve("halyard-store-bench-" + ProcessHandle.current().pid());
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3.0;
        String what = args.length > 2 ? args[2] : "all";
        Files.createDirectories(root);
        try {
            if (what.equals("reads")) {
                reads(root.resolve("reads"), seconds);
                return;
            }
            double seqWrite = sequentialWriteMBps(root.resolve("disk-seq"));
            double fsyncs = fsyncsPerSecond(root.resolve("disk-fsync"), seconds);
            System.out.printf(Locale.ROOT, "disk: sequential write %.0f MB/s (1 MiB writes, one fsync at end); "
                    + "%.0f fsyncs/s (4 KiB write + fdatasync)%n", seqWrite, fsyncs);
            System.out.printf(Locale.ROOT, "%-7s %6s %9s %14s %10s %12s %10s%n",
                    "mode", "size", "inflight", "appends/s", "MB/s", "% disk seq", "p50 us");
            int run = 0;
            for (DurabilityMode mode : new DurabilityMode[] {DurabilityMode.ALWAYS, DurabilityMode.NONE}) {
                for (int size : SIZES) {
                    for (int inFlight : IN_FLIGHT) {
                        Result r = appendRun(root.resolve("append-" + run++), mode, size, inFlight, seconds);
                        double mbps = r.rate * size / 1e6;
                        System.out.printf(Locale.ROOT, "%-7s %6d %9d %,14.0f %10.1f %11.0f%% %10s%n", mode, size,
                                inFlight, r.rate, mbps, 100 * mbps / seqWrite,
                                inFlight == 1 ? String.format(Locale.ROOT, "%.0f", r.p50Micros) : "-");
                    }
                }
            }
            if (what.equals("all")) {
                reads(root.resolve("reads"), seconds);
            }
        } finally {
            deleteTree(root);
        }
    }

    private record Result(double rate, double p50Micros) {
    }

    private static Result appendRun(Path dir, DurabilityMode mode, int size, int inFlight, double seconds)
            throws Exception {
        Thread producer = Thread.currentThread();
        long[] latencies = new long[inFlight == 1 ? 200_000 : 0];
        StoreOptions options = StoreOptions.defaults(dir).withDurability(mode)
                .withListener(seq -> LockSupport.unpark(producer));
        ByteBuffer payload = ByteBuffer.allocate(size);
        long count = 0;
        long start;
        long end;
        int samples = 0;
        try (FileStore store = FileStore.open(options)) {
            // Warm up the code paths briefly.
            long warm = System.nanoTime() + 300_000_000L;
            long seq = 0;
            while (System.nanoTime() < warm) {
                seq = appendWithin(store, payload.duplicate(), inFlight);
            }
            store.awaitDurable(seq, 30_000_000_000L);
            start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            long base = seq;
            while (true) {
                long t0 = inFlight == 1 ? System.nanoTime() : 0;
                seq = appendWithin(store, payload.duplicate(), inFlight);
                if (inFlight == 1) {
                    store.awaitDurable(seq, 30_000_000_000L);
                    if (samples < latencies.length) {
                        latencies[samples++] = System.nanoTime() - t0;
                    }
                }
                if ((seq & 255) == 0 && System.nanoTime() > deadline) {
                    break;
                }
            }
            store.awaitDurable(seq, 30_000_000_000L);
            end = System.nanoTime();
            count = seq - base;
        }
        deleteTree(dir);
        java.util.Arrays.sort(latencies, 0, samples);
        double p50 = samples == 0 ? 0 : latencies[samples / 2] / 1000.0;
        return new Result(count / ((end - start) / 1e9), p50);
    }

    /** Appends one message, first waiting (parked) while {@code inFlight} are not yet durable. */
    private static long appendWithin(FileStore store, ByteBuffer payload, int inFlight) {
        while (true) {
            long seq = store.append(SUBJECT, null, payload);
            if (seq < 0) {
                throw new IllegalStateException("append rejected: " + seq);
            }
            while (seq - store.durableSequence() >= inFlight) {
                LockSupport.parkNanos(100_000);
            }
            return seq;
        }
    }

    private static void reads(Path dir, double seconds) throws Exception {
        int messages = 1_000_000;
        int subjects = 16;
        StoreOptions options = StoreOptions.defaults(dir).withDurability(DurabilityMode.NONE);
        try (FileStore store = FileStore.open(options)) {
            ByteBuffer payload = ByteBuffer.allocate(128);
            for (int i = 0; i < messages; i++) {
                store.append("bench.s" + (i % subjects), null, payload.duplicate());
            }
            store.awaitDurable(messages, 60_000_000_000L);
            System.out.println("reads: 1M messages written");
            // By sequence: every message in order, then random.
            long t0 = System.nanoTime();
            long bytes = 0;
            for (long seq = 1; seq <= messages; seq++) {
                bytes += store.get(seq).payload().length;
            }
            double seqRate = messages / ((System.nanoTime() - t0) / 1e9);
            java.util.Random random = new java.util.Random(42);
            int randomReads = 200_000;
            t0 = System.nanoTime();
            for (int i = 0; i < randomReads; i++) {
                bytes += store.get(1 + random.nextInt(messages)).payload().length;
            }
            double randomRate = randomReads / ((System.nanoTime() - t0) / 1e9);
            // By subject: walk one subject (1 message in 16) with getNext.
            SubjectFilter one = SubjectFilter.of("bench.s3");
            t0 = System.nanoTime();
            long found = 0;
            StoredMessage m = store.getNext(1, one);
            while (m != null) {
                found++;
                m = store.getNext(m.sequence() + 1, one);
            }
            double subjectRate = found / ((System.nanoTime() - t0) / 1e9);
            // Last-by-subject (a KV get).
            int lasts = 200_000;
            t0 = System.nanoTime();
            for (int i = 0; i < lasts; i++) {
                bytes += store.getLast(SubjectFilter.of("bench.s" + (i % subjects))).payload().length;
            }
            double lastRate = lasts / ((System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "reads of 128 B messages (1M in store, 16 subjects): by sequence in order "
                    + "%,.0f/s; random %,.0f/s; next-by-subject (1 in 16) %,.0f/s; last-by-subject %,.0f/s%n",
                    seqRate, randomRate, subjectRate, lastRate);
            if (bytes < 0) {
                System.out.println(bytes);
            }
        }
    }

    private static double sequentialWriteMBps(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        long total = 512L << 20;
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long written = 0; written < total; ) {
                chunk.clear();
                written += ch.write(chunk);
            }
            ch.force(false);
        }
        double mbps = total / 1e6 / ((System.nanoTime() - t0) / 1e9);
        Files.delete(file);
        return mbps;
    }

    private static double fsyncsPerSecond(Path file, double seconds) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(4096);
        long n = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (Math.min(seconds, 2.0) * 1e9);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long position = 0;
            while (System.nanoTime() < deadline) {
                block.clear();
                position += ch.write(block, position);
                ch.force(false);
                n++;
            }
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        Files.delete(file);
        return rate;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
