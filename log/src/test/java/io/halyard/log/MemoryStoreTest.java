package io.halyard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The stream-store contract on the heap, plus what only a memory store promises. */
class MemoryStoreTest extends StreamStoreContractTest {

    @Override
    protected StreamStore open(StoreOptions options) {
        return new MemoryStore(options);
    }

    @Test
    void shouldTellTheListenerOfEachAppendBeforeAppendReturns() {
        List<Long> reported = new ArrayList<>();
        try (StreamStore store = open(options(StoreLimits.NONE).withListener(reported::add))) {
            for (int i = 1; i <= 3; i++) {
                long seq = store.append("a", null, new byte[] {1});
                assertEquals(List.of(1L, 2L, 3L).subList(0, i), reported);
                assertEquals(seq, store.durableSequence());
            }
            store.append("a", null, new byte[0]);
            assertEquals(4, reported.size());
        }
    }

    @Test
    void shouldHoldNothingAfterClose() {
        StreamStore store = open(options(StoreLimits.NONE));
        store.append("a", null, new byte[] {1});
        store.close();

        assertNull(store.get(1));
        assertEquals(new StoreState(0, 0, 2, 0, 1, 0, 0, 0, 0), store.state());
    }

    /**
     * Random appends, deletes and purges across many pages of the sequence table, checked after
     * every step against a sorted map that does the same the obvious way.
     */
    @Test
    void shouldAgreeWithASimpleModelUnderRandomOperations() {
        Random random = new Random(20240101);
        String[] subjects = {"a.x", "a.y", "b.x", "b.y.z", "c"};
        SubjectFilter[] filters = {SubjectFilter.of("a.x"), SubjectFilter.of("a.*"), SubjectFilter.of("*.x"),
            SubjectFilter.of("b.>"), SubjectFilter.ALL, SubjectFilter.of("nothing")};
        NavigableMap<Long, String> model = new TreeMap<>();
        long next = 1;
        try (StreamStore store = open(options(StoreLimits.NONE))) {
            for (int step = 0; step < 10_000; step++) {
                int op = random.nextInt(100);
                if (op < 50) {
                    String subject = subjects[random.nextInt(subjects.length)];
                    assertEquals(next, store.append(subject, null, ("p" + next).getBytes(StandardCharsets.UTF_8)));
                    model.put(next++, subject);
                    clock.advance(random.nextInt(3));
                } else if (op < 97) {
                    // Mostly within the live range, so that whole pages empty and are released.
                    long from = model.isEmpty() ? 1 : model.firstKey();
                    long seq = from + (long) (random.nextDouble() * (next + 1 - from));
                    assertEquals(model.remove(seq) != null, store.delete(seq), "delete " + seq);
                } else if (model.size() > 10) {
                    SubjectFilter filter = filters[random.nextInt(filters.length)];
                    long keep = random.nextBoolean() ? 0 : random.nextInt(5);
                    long before = model.firstKey() + random.nextInt(50);
                    List<Long> matching = new ArrayList<>();
                    model.forEach((seq, subject) -> {
                        if (filter.matches(subject)) {
                            matching.add(seq);
                        }
                    });
                    long removable = Math.max(0, matching.size() - keep);
                    long expected = 0;
                    for (long seq : matching) {
                        if (seq >= before || expected >= removable) {
                            break;
                        }
                        model.remove(seq);
                        expected++;
                    }
                    assertEquals(expected, store.purge(filter, before, keep), "purge " + filter);
                    if (filter.matchesAll() && keep == 0 && before > next) {
                        next = before; // JetStream's Compact past the end moves the next sequence
                    }
                }
                if (step % 4 == 0) {
                    assertAgrees(model, next, store, filters, random);
                }
            }
        }
    }

    private static void assertAgrees(NavigableMap<Long, String> model, long next, StreamStore store,
                                     SubjectFilter[] filters, Random random) {
        StoreState state = store.state();
        assertEquals(model.size(), state.messages());
        assertEquals(next - 1, state.lastSequence());
        assertEquals(model.isEmpty() ? next : model.firstKey(), state.firstSequence());
        long probe = 1 + (long) (random.nextDouble() * next);
        assertEquals(model.containsKey(probe), store.get(probe) != null);
        SubjectFilter filter = filters[random.nextInt(filters.length)];
        Long expectedNext = null;
        for (Map.Entry<Long, String> e : model.tailMap(probe, true).entrySet()) {
            if (filter.matches(e.getValue())) {
                expectedNext = e.getKey();
                break;
            }
        }
        StoredMessage actualNext = store.getNext(probe, filter);
        assertEquals(expectedNext, actualNext == null ? null : actualNext.sequence(), "next " + filter + " from " + probe);
        Long expectedLast = null;
        for (Map.Entry<Long, String> e : model.descendingMap().entrySet()) {
            if (filter.matches(e.getValue())) {
                expectedLast = e.getKey();
                break;
            }
        }
        StoredMessage actualLast = store.getLast(filter);
        assertEquals(expectedLast, actualLast == null ? null : actualLast.sequence(), "last " + filter);
        if (!model.isEmpty()) {
            long time = store.get(model.firstKey()).timestampNanos() + random.nextInt(5_000);
            Long expectedAt = null;
            for (long seq : model.keySet()) {
                if (store.get(seq).timestampNanos() >= time) {
                    expectedAt = seq;
                    break;
                }
            }
            assertEquals(expectedAt == null ? next : expectedAt, store.sequenceAtOrAfter(time), "at " + time);
        }
        String subject = filters[0].text();
        long count = model.values().stream().filter(subject::equals).count();
        SubjectState subjectState = store.subjectState(subject);
        assertEquals(count, subjectState == null ? 0 : subjectState.messages());
        if (count > 0) {
            assertEquals(model.entrySet().stream().filter(e -> e.getValue().equals(subject)).findFirst().get().getKey(),
                    subjectState.firstSequence());
        }
        assertTrue(state.deleted() >= 0);
    }
}
