package io.halyard.core.jetstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer journal: a snapshot plus the journal entries recorded after it gives back the live
 * state, across a reopen and after purges; acks sent as requests are answered only once durable.
 * The JetStream thread is a queue of tasks run by the test.
 */
class ConsumerJournalTest {
    @TempDir
    Path dir;

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor jetStreamThread = tasks::add;
    private long now = 1_000_000_000_000L;

    private ConsumerJournal open() {
        return new ConsumerJournal(dir.resolve(ConsumerJournal.DIRECTORY), jetStreamThread, () -> now);
    }

    private void runTasks() {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
    }

    /** A random but valid history: deliveries, redeliveries, acks, ack-alls and drops. */
    private void mutate(ConsumerState s, Random random, int steps, boolean ackAll) {
        for (int i = 0; i < steps; i++) {
            now += 1_000;
            int op = random.nextInt(10);
            if (op < 4 || s.pending.isEmpty()) {
                s.deliverNew(s.deliveredStreamSeq + 1 + random.nextInt(3), now, 0, random.nextInt(8) != 0);
            } else {
                long[] seqs = s.pending.keySet().stream().mapToLong(Long::longValue).toArray();
                long seq = seqs[random.nextInt(seqs.length)];
                switch (op) {
                    case 4, 5 -> s.redeliver(seq, now, 0);
                    case 6, 7 -> {
                        if (ackAll) {
                            s.ackAll(seq, now);
                        } else {
                            s.ack(seq, now);
                        }
                    }
                    case 8 -> s.drop(seq);
                    default -> s.ack(seq, now);
                }
            }
        }
    }

    @Test
    void shouldRebuildTheLiveStateFromASnapshotAndTheEntriesAfterIt() throws Exception {
        for (boolean ackAll : new boolean[] {false, true}) {
            for (int seed = 0; seed < 20; seed++) {
                Random random = new Random(seed);
                ConsumerJournal journal = open();
                String name = "C" + seed + ackAll;
                ConsumerState live = new ConsumerState();
                live.log = journal.writer("S", name);
                mutate(live, random, random.nextInt(200), ackAll);
                runTasks();
                long included = journal.lastSequence();
                byte[] snapshot = live.encode(included);
                mutate(live, random, 1 + random.nextInt(300), ackAll);
                runTasks();
                if (random.nextBoolean()) {
                    journal.purgeThrough(included); // the snapshot round finished
                }
                journal.close();

                ConsumerJournal reopened = open();
                ConsumerState recovered = ConsumerState.decode(snapshot);
                reopened.replay("S", name, recovered.journalSequence, recovered);
                assertArrayEquals(live.encode(0), recovered.encode(0), "seed " + seed + " ackAll " + ackAll);
                reopened.close();
            }
        }
    }

    @Test
    void shouldKeepConsumersOfTheSameStreamApart() throws Exception {
        ConsumerJournal journal = open();
        ConsumerState a = new ConsumerState();
        ConsumerState b = new ConsumerState();
        a.log = journal.writer("S", "A");
        b.log = journal.writer("S", "B");
        a.deliverNew(1, now, 0, true);
        b.deliverNew(1, now, 0, true);
        b.deliverNew(2, now, 0, true);
        a.ack(1, now);
        runTasks();
        journal.close();
        ConsumerJournal reopened = open();
        ConsumerState ra = new ConsumerState();
        ConsumerState rb = new ConsumerState();
        reopened.replay("S", "A", 0, ra);
        reopened.replay("S", "B", 0, rb);
        assertArrayEquals(a.encode(0), ra.encode(0));
        assertArrayEquals(b.encode(0), rb.encode(0));
        reopened.close();
    }

    @Test
    void shouldAnswerADoubleAckOnlyOnceItIsDurable() throws Exception {
        ConsumerJournal journal = open();
        ConsumerState s = new ConsumerState();
        s.log = journal.writer("S", "C");
        s.deliverNew(1, now, 0, true);
        s.ack(1, now);
        AtomicBoolean replied = new AtomicBoolean();
        journal.afterDurable(() -> replied.set(true));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!replied.get() && System.nanoTime() < deadline) {
            runTasks();
            Thread.sleep(1);
        }
        assertTrue(replied.get(), "the reply follows the journal's fsync");
        journal.close();
    }

    @Test
    void shouldNotCreateAJournalUntilADurableConsumerRecordsSomething() {
        ConsumerJournal journal = open();
        assertFalse(journal.exists());
        ConsumerState s = new ConsumerState();
        journal.replay("S", "C", 0, s);
        assertFalse(journal.exists());
        journal.close();
    }

    @Test
    void shouldContinueAfterSnapshotsWhenTheJournalWasRemoved() throws Exception {
        ConsumerJournal journal = open();
        journal.advancePast(41);
        ConsumerState s = new ConsumerState();
        s.log = journal.writer("S", "C");
        s.deliverNew(1, now, 0, true);
        runTasks();
        assertTrue(journal.lastSequence() > 41, "new entries come after what snapshots include");
        journal.close();
    }
}
