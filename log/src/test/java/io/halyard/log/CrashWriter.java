package io.halyard.log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link CrashRecoveryTest}: appends deterministic messages to a store as fast
 * as it can (and deletes a few), printing {@code D <seq>} when the store reports a sequence durable
 * {@code T <seq>} before it deletes a message and {@code X <seq>} once that deletion is durable, until it
 * is killed.
 *
 * <p>Usage: {@code CrashWriter <dir> <seed> [maxMessages [segmentBytes]]}; with a limit, the oldest messages are
 * removed as new ones arrive (so deletions from limits, segment drops and compaction are exercised).
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    /** The payload of a sequence: its length and bytes are a pure function of it. */
    static byte[] payload(long seq) {
        Random r = new Random(seq * 0x9E3779B97F4A7C15L);
        byte[] b = new byte[(int) (seq % 7 == 0 ? 2000 + seq % 3000 : 1 + seq % 200)];
        r.nextBytes(b);
        return b;
    }

    static String subject(long seq) {
        return "crash.s" + (seq % 10);
    }

    static byte[] headers(long seq) {
        return seq % 3 == 0 ? ("NATS/1.0\r\nSeq: " + seq + "\r\n\r\n").getBytes() : null;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        Object printLock = new Object();
        long maxMessages = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int segmentBytes = args.length > 3 ? Integer.parseInt(args[3]) : 64 * 1024;
        StoreOptions options = StoreOptions.defaults(dir).withSegmentMaxBytes(segmentBytes)
                .withLimits(StoreLimits.NONE.withMaxMessages(maxMessages))
                .withListener(seq -> {
                    synchronized (printLock) {
                        out.println("D " + seq);
                        out.flush();
                    }
                });
        try (FileStore store = FileStore.open(options)) {
            synchronized (printLock) {
                out.println("R " + store.state().lastSequence());
                out.flush();
            }
            while (true) {
                long next = store.state().lastSequence() + 1;
                int burst = 1 + random.nextInt(64);
                for (int i = 0; i < burst; i++, next++) {
                    long seq = store.append(subject(next), headers(next), payload(next));
                    if (seq != next) {
                        throw new IllegalStateException("expected sequence " + next + ", got " + seq);
                    }
                }
                if (random.nextInt(8) == 0) {
                    long first = store.state().firstSequence();
                    long victim = first + random.nextInt((int) Math.max(1, Math.min(next - first, 1000)));
                    synchronized (printLock) {
                        out.println("T " + victim); // about to delete: may be gone even if never confirmed
                        out.flush();
                    }
                    if (store.delete(victim)) {
                        store.sync();
                        synchronized (printLock) {
                            out.println("X " + victim);
                            out.flush();
                        }
                    }
                }
                if (random.nextInt(4) == 0) {
                    Thread.sleep(0, 200_000);
                }
            }
        }
    }
}
