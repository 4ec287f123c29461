package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process with SIGKILL at random moments and checks, after every restart, that each
 * append the store reported durable is present and byte-identical, that each durable deletion held,
 * and that nothing served differs from what was written. The store is reused across kills, so every
 * recovery (torn tails included) is tested again by the next.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    /** 0: no limit; otherwise the writer's max messages (discard old). */
    private long maxMessages;
    /** Segment size of the writer and the verifying store; small, so that kills land in rolls often. */
    private final int segmentBytes = 64 * 1024;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldKeepEveryDurableAppendAcrossRepeatedKills() throws Exception {
        crashLoop(20, 20, 250);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldKeepTheNewestMessagesUnderAMaxMessagesLimitAcrossKills() throws Exception {
        maxMessages = 3000;
        crashLoop(12, 20, 250);
    }

    @Test
    @Tag("soak")
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void soakShouldKeepEveryDurableAppendAcrossHundredsOfKills() throws Exception {
        // Unbounded, 400 rounds write over a GB: every round's check reads it all, and with 64 KiB
        // segments the store passes 10,000 files, two descriptors each once read (beyond a
        // ulimit -n of 20,000). A limit keeps the store, the check and the files bounded, and makes
        // the kills land in limit deletions and dropped segments as well as in appends and rolls.
        maxMessages = 200_000;
        crashLoop(400, 5, 600);
    }

    private void crashLoop(int kills, int minDelayMillis, int maxDelayMillis) throws Exception {
        Random random = new Random(20261123L);
        long durable = 0;
        // Sequences appended and reported durable by some run: [from, to] pairs. A run starts after
        // the last sequence it recovers; appends a killed run never saw durable may leave gaps.
        List<long[]> durableRanges = new ArrayList<>();
        Set<Long> deleted = new HashSet<>();
        Set<Long> maybeDeleted = new HashSet<>();
        long totalChecked = 0;
        for (int round = 0; round < kills; round++) {
            Process child = startWriter(random.nextLong());
            List<String> lines = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the child died: that is the point
                }
            });
            reader.start();
            waitForReady(lines, child);
            Thread.sleep(minDelayMillis + random.nextInt(maxDelayMillis - minDelayMillis));
            // SIGKILL: no shutdown hooks, no close(). Through the handle, because Process.destroyForcibly()
            // also closes our end of the child's stdout, dropping lines not yet read.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
            String errors = java.nio.file.Files.readString(dir.resolveSibling(dir.getFileName() + ".stderr"));
            if (errors.contains("Exception") || errors.contains("SEVERE")) {
                fail("writer failed in round " + round + ":\n" + errors);
            }
            synchronized (lines) {
                long start = -1;
                long runDurable = 0;
                for (String line : lines) {
                    if (line.startsWith("R ")) {
                        start = Long.parseLong(line.substring(2)) + 1;
                    } else if (line.startsWith("D ")) {
                        runDurable = Math.max(runDurable, Long.parseLong(line.substring(2)));
                        durable = Math.max(durable, runDurable);
                    } else if (line.startsWith("T ")) {
                        maybeDeleted.add(Long.parseLong(line.substring(2)));
                    } else if (line.startsWith("X ")) {
                        deleted.add(Long.parseLong(line.substring(2)));
                    }
                }
                if (start > 0 && runDurable >= start) {
                    durableRanges.add(new long[] {start, runDurable});
                }
            }
            totalChecked += verify(durable, durableRanges, deleted, maybeDeleted, round);
        }
        assertTrue(durable > 0, "the writer never reported anything durable");
        assertTrue(totalChecked > 0);
    }

    private long verify(long durable, List<long[]> durableRanges, Set<Long> deleted, Set<Long> maybeDeleted,
                        int round) throws Exception {
        StoreOptions options = StoreOptions.defaults(dir).withSegmentMaxBytes(segmentBytes)
                .withLimits(StoreLimits.NONE.withMaxMessages(maxMessages));
        try (FileStore store = FileStore.open(options)) {
            StoreState state = store.state();
            if (maxMessages > 0) {
                assertTrue(state.messages() <= maxMessages, "round " + round + ": " + state.messages() + " messages");
            }
            if (state.lostMessages() != 0) {
                reportLoss(store, state, durable, durableRanges, deleted, maybeDeleted, round);
            }
            assertEquals(0, state.lostMessages(), "round " + round + ": a SIGKILL must never look like damage");
            assertTrue(state.lastSequence() >= durable,
                    "round " + round + ": last " + state.lastSequence() + " < durable " + durable);
            long checked = 0;
            for (long seq = 1; seq <= state.lastSequence(); seq++) {
                StoredMessage m = store.get(seq);
                if (deleted.contains(seq)) {
                    assertNull(m, "round " + round + ": durable deletion of " + seq + " undone");
                    continue;
                }
                boolean withinLimit = maxMessages == 0 || seq > state.lastSequence() - maxMessages;
                boolean mustExist = withinLimit && !maybeDeleted.contains(seq) && reportedDurable(durableRanges, seq);
                if (mustExist && m == null) {
                    System.err.println(diagnose(seq));
                    System.err.println("child stderr:\n" + java.nio.file.Files.readString(
                            dir.resolveSibling(dir.getFileName() + ".stderr")));
                }
                if (mustExist) {
                    assertNotNull(m, "round " + round + ": durable sequence " + seq + " lost (durable up to "
                            + durable + ")");
                }
                if (m != null) {
                    assertEquals(CrashWriter.subject(seq), m.subject(), "round " + round + " seq " + seq);
                    assertArrayEquals(CrashWriter.payload(seq), m.payload(), "round " + round + " seq " + seq);
                    byte[] h = CrashWriter.headers(seq);
                    assertArrayEquals(h == null ? new byte[0] : h, m.headers(), "round " + round + " seq " + seq);
                    checked++;
                }
            }
            return checked;
        }
    }

    /**
     * Before failing on a loss report: which sequences recovery found missing, whether the writer had
     * reported them durable or was deleting them, where they are on disk; and a copy of the store
     * and the writer's log under target/, for a post-mortem of a failure that may not repeat.
     */
    private void reportLoss(FileStore store, StoreState state, long durable, List<long[]> durableRanges,
                            Set<Long> deleted, Set<Long> maybeDeleted, int round) throws Exception {
        StringBuilder sb = new StringBuilder("round " + round + ": recovery reports " + state.lostMessages()
                + " lost; durable up to " + durable + ", first " + state.firstSequence() + ", last "
                + state.lastSequence() + "\n");
        int shown = 0;
        for (long seq = Math.max(1, state.firstSequence()); seq <= state.lastSequence() && shown < 20; seq++) {
            if (store.get(seq) == null && !deleted.contains(seq)) {
                sb.append("  missing ").append(seq).append(": reported durable ")
                        .append(reportedDurable(durableRanges, seq)).append(", deletion begun ")
                        .append(maybeDeleted.contains(seq)).append('\n');
                shown++;
            }
        }
        sb.append("  the last durable ranges:");
        for (int i = Math.max(0, durableRanges.size() - 5); i < durableRanges.size(); i++) {
            sb.append(' ').append(durableRanges.get(i)[0]).append("..").append(durableRanges.get(i)[1]);
        }
        System.err.println(sb);
        Path keep = Path.of("target", "crash-recovery-failure", "round-" + round);
        java.nio.file.Files.createDirectories(keep);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, keep.resolve(f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        java.nio.file.Files.copy(dir.resolveSibling(dir.getFileName() + ".stderr"), keep.resolve("writer.stderr"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.err.println("  store copied to " + keep.toAbsolutePath());
    }

    private static boolean reportedDurable(List<long[]> ranges, long seq) {
        for (long[] r : ranges) {
            if (seq >= r[0] && seq <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** Where a missing sequence is on disk, for the failure message. */
    private String diagnose(long seq) throws Exception {
        StringBuilder sb = new StringBuilder("missing " + seq + ":\n");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                sb.append("  ").append(f.getFileName()).append(' ').append(java.nio.file.Files.size(f)).append('\n');
                if (!f.getFileName().toString().endsWith(".log")) {
                    continue;
                }
                long[] range = {Long.MAX_VALUE, 0, 0};
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
                    long end = new RecordScanner(ch).scan(new RecordScanner.Visitor() {
                        @Override
                        public void record(java.nio.ByteBuffer buf, int offset, long position) {
                            byte type = buf.get(offset + RecordFormat.OFF_TYPE);
                            long s = buf.getLong(offset + RecordFormat.OFF_SEQUENCE);
                            range[0] = Math.min(range[0], s);
                            range[1] = Math.max(range[1], s);
                            range[2]++;
                            if (type == RecordFormat.TYPE_MESSAGE && s == seq) {
                                sb.append("    message at ").append(position).append('\n');
                            }
                            if (type == RecordFormat.TYPE_DELETION) {
                                int n = DeleteJournal.rangeCount(buf, offset);
                                for (int i = 0; i < n; i++) {
                                    long a = DeleteJournal.rangeFrom(buf, offset, i);
                                    long b = DeleteJournal.rangeTo(buf, offset, i);
                                    if (a <= seq && seq <= b) {
                                        sb.append("    deleted by [").append(a).append(',').append(b).append("] at ")
                                                .append(position).append('\n');
                                    }
                                }
                            }
                        }

                        @Override
                        public void damaged(long from, long to) {
                            sb.append("    damaged ").append(from).append("..").append(to).append('\n');
                        }
                    });
                    sb.append("    seqs ").append(range[0]).append("..").append(range[1]).append(" records ")
                            .append(range[2]).append(" validEnd ").append(end).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private Process startWriter(long seed) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(),
                Long.toString(seed), Long.toString(maxMessages), Integer.toString(segmentBytes));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolveSibling(dir.getFileName() + ".stderr").toFile()));
        return pb.start();
    }

    private static void waitForReady(List<String> lines, Process child) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (!lines.isEmpty()) {
                    return;
                }
            }
            if (!child.isAlive()) {
                return;
            }
            Thread.sleep(5);
        }
        fail("writer did not start");
    }
}
