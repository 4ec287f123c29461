package io.halyard.core.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SubjectIndexTest {

    /** A value compared by identity, named for readable failures. */
    record Sub(String name) {
    }

    private final SubjectIndex<Sub> index = new SubjectIndex<>();

    @Test
    void shouldMatchLiteralAndWildcardFilters() {
        Sub literal = add("foo.bar");
        Sub oneToken = add("foo.*");
        Sub leadingStar = add("*.bar");
        Sub tail = add("foo.>");
        Sub all = add(">");
        add("foo.baz");
        add("foo.bar.baz");
        add("foo");

        assertEquals(Set.of(literal, oneToken, leadingStar, tail, all), plain("foo.bar"));
        assertEquals(Set.of(tail, all), plain("foo.bar.qux"));
        assertEquals(3, index.match("foo.bar.baz").plainCount(), "foo.bar.baz, foo.> and >");
        assertEquals(Set.of(all), plain("nothing.here"));
    }

    @Test
    void shouldRouteWildcardTokensOfAPublishedSubjectAsLiterals() {
        Sub literal = add("foo.bar");
        Sub oneToken = add("foo.*");
        Sub tail = add("foo.>");

        assertEquals(Set.of(oneToken, tail), plain("foo.*"));
        assertEquals(Set.of(oneToken, tail), plain("foo.>"));
        assertFalse(plain("foo.*").contains(literal));
    }

    @Test
    void shouldReturnTheSharedEmptyMatchForNoInterestAndForEmptyTokens() {
        add("foo.*");
        assertSame(Match.empty(), index.match("bar"));
        assertSame(Match.empty(), index.match(""));
        assertSame(Match.empty(), index.match("foo."));
        assertSame(Match.empty(), index.match("foo..x"));
        assertTrue(index.match("bar").isEmpty());
    }

    @Test
    void shouldMatchSubjectBytesAtAnOffset() {
        Sub sub = add("orders.eu");
        byte[] frame = "PUB orders.eu 5\r\n".getBytes(StandardCharsets.US_ASCII);
        Match<Sub> m = index.match(frame, 4, 9);
        assertEquals(1, m.plainCount());
        assertSame(sub, m.plain(0));
        assertSame(m, index.match(frame, 4, 9), "second lookup is a cache hit");
        assertTrue(index.match(frame, 4, 8).isEmpty(), "orders.e");
    }

    @Test
    void shouldMatchNonAsciiSubjects() {
        Sub sub = add("café.ünï");
        Sub star = add("café.*");
        assertEquals(Set.of(sub, star), plain("café.ünï"));
        assertEquals(Set.of(star), plain("café.x"));
        assertEquals("café.ünï", filters().stream().filter(f -> f.contains("ü")).findFirst().orElseThrow());
    }

    @Test
    void shouldGroupQueueMembersByNameAcrossFilters() {
        Sub a1 = new Sub("a1");
        Sub a2 = new Sub("a2");
        Sub b1 = new Sub("b1");
        Sub plainSub = add("work.items");
        index.insert("work.items", "A", a1);
        index.insert("work.*", "A", a2);
        index.insert("work.>", "B", b1);

        Match<Sub> m = index.match("work.items");
        assertEquals(1, m.plainCount());
        assertSame(plainSub, m.plain(0));
        Map<String, Set<Sub>> groups = groups(m);
        assertEquals(Map.of("A", Set.of(a1, a2), "B", Set.of(b1)), groups);
    }

    @Test
    void shouldPickEveryMemberOfAGroupRoughlyEvenly() {
        List<Sub> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Sub s = new Sub("w" + i);
            members.add(s);
            index.insert("jobs", "workers", s);
        }
        Match<Sub> m = index.match("jobs");
        assertEquals(1, m.groupCount());
        assertEquals("workers", m.groupName(0));
        assertEquals(4, m.groupSize(0));
        Map<Sub, Integer> picks = new HashMap<>();
        for (int i = 0; i < 40_000; i++) {
            picks.merge(m.pick(0), 1, Integer::sum);
        }
        assertEquals(Set.copyOf(members), picks.keySet());
        picks.values().forEach(n -> assertTrue(n > 9_000 && n < 11_000, "uneven: " + picks));
    }

    @Test
    void shouldVisitEveryMemberOnceWhenScanningFromThePickIndex() {
        Sub[] members = {new Sub("m0"), new Sub("m1"), new Sub("m2")};
        for (Sub s : members) {
            index.insert("svc", "g", s);
        }
        Match<Sub> m = index.match("svc");
        for (int trial = 0; trial < 100; trial++) {
            int start = m.pickIndex(0);
            assertTrue(start >= 0 && start < 3);
            Set<Sub> seen = new HashSet<>();
            for (int i = 0; i < m.groupSize(0); i++) {
                seen.add(m.member(0, (start + i) % m.groupSize(0)));
            }
            assertEquals(Set.of(members), seen);
        }
    }

    @Test
    void shouldRemoveByIdentityAndReportMisses() {
        Sub a = add("foo.bar");
        Sub equalButNotSame = new Sub("foo.bar#0");
        assertEquals(a, equalButNotSame, "records are equal by value");

        assertFalse(index.remove("foo.bar", null, equalButNotSame));
        assertFalse(index.remove("foo.bar", "q", a), "not in a group");
        assertFalse(index.remove("foo.*", null, a), "not under that filter");
        assertFalse(index.remove("foo..bar", null, a), "invalid filter");
        assertTrue(index.remove("foo.bar", null, a));
        assertFalse(index.remove("foo.bar", null, a), "already removed");
        assertEquals(0, index.count());
        assertTrue(index.match("foo.bar").isEmpty());
        assertTrue(index.entries().isEmpty());
    }

    @Test
    void shouldKeepTheSameValueUnderTwoFiltersAsTwoEntries() {
        Sub sub = new Sub("client-7");
        index.insert("a.*", null, sub);
        index.insert("a.>", null, sub);
        index.insert("a.*", null, sub); // same entry again: no-op

        assertEquals(2, index.count());
        Match<Sub> m = index.match("a.b");
        assertEquals(2, m.plainCount(), "one delivery per matching entry");
        assertSame(sub, m.plain(0));
        assertSame(sub, m.plain(1));

        assertTrue(index.remove("a.*", null, sub));
        assertEquals(1, index.match("a.b").plainCount());
        assertEquals(1, index.match("a.b.c").plainCount());
        assertTrue(index.remove("a.>", null, sub));
        assertTrue(index.match("a.b").isEmpty());
    }

    @Test
    void shouldListEveryEntryForMonitoring() {
        Sub a = add("x.y");
        Sub b = new Sub("b");
        index.insert("x.*", "q", b);
        index.insert(">", null, b);

        Set<SubjectIndex.Entry<Sub>> entries = new HashSet<>(index.entries());
        assertEquals(Set.of(new SubjectIndex.Entry<>("x.y", null, a), new SubjectIndex.Entry<>("x.*", "q", b),
                new SubjectIndex.Entry<>(">", null, b)), entries);
        assertEquals(3, index.count());
    }

    @Test
    void shouldRejectInvalidInserts() {
        Sub s = new Sub("s");
        assertThrows(IllegalArgumentException.class, () -> index.insert("a..b", null, s));
        assertThrows(IllegalArgumentException.class, () -> index.insert("a.>.b", null, s));
        assertThrows(IllegalArgumentException.class, () -> index.insert("a b", null, s));
        assertThrows(IllegalArgumentException.class, () -> index.insert("", null, s));
        assertThrows(IllegalArgumentException.class, () -> index.insert("a", "", s));
        assertThrows(NullPointerException.class, () -> index.insert("a", null, null));
        assertThrows(IllegalArgumentException.class, () -> new SubjectIndex<Sub>(3));
        assertEquals(0, index.count());
    }

    @Test
    void shouldInvalidateCachedMatchesOnInsertAndRemove() {
        add("orders.eu");
        assertEquals(1, index.match("orders.eu").plainCount()); // cached now
        assertTrue(index.match("orders.us").isEmpty()); // cached empty

        Sub literal = add("orders.us");
        assertEquals(Set.of(literal), plain("orders.us"), "literal insert drops that subject's entry");

        Sub star = add("orders.*");
        assertEquals(2, index.match("orders.eu").plainCount(), "wildcard insert drops matching entries");
        assertEquals(Set.of(literal, star), plain("orders.us"));

        Sub q = new Sub("q");
        index.insert(">", "g", q);
        assertEquals(1, index.match("orders.eu").groupCount());

        assertTrue(index.remove("orders.*", null, star));
        assertEquals(Set.of(literal), plain("orders.us"));
        assertTrue(index.remove("orders.us", null, literal));
        assertEquals(0, index.match("orders.us").plainCount());
        assertTrue(index.remove(">", "g", q));
        assertTrue(index.match("orders.us").isEmpty());
    }

    @Test
    void shouldStayCorrectWhenATinyCacheEvictsConstantly() {
        SubjectIndex<Sub> tiny = new SubjectIndex<>(4);
        Sub[] subs = new Sub[50];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = new Sub("s" + i);
            tiny.insert("s." + i, null, subs[i]);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < subs.length; i++) {
                Match<Sub> m = tiny.match("s." + i);
                assertEquals(1, m.plainCount());
                assertSame(subs[i], m.plain(0));
            }
        }
    }

    @Test
    void shouldNotAllocateOnACacheHit() {
        add("hot.subject");
        add("hot.*");
        byte[] subject = "hot.subject".getBytes(StandardCharsets.US_ASCII);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += index.match(subject, 0, subject.length).plainCount();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sink += index.match(subject, 0, subject.length).plainCount();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(200_000 + 40_000, sink);
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 100,000 hits");
    }

    /**
     * A writer toggles an entry (and another churns wildcard entries) while readers match. When no
     * toggle started between the reader's look at the completed count and the end of its match,
     * the match must show exactly the state of the completed toggles.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldReflectEveryCompletedInsertAndRemoveInConcurrentMatches() throws Exception {
        Sub toggled = new Sub("toggled");
        Sub stable = add("t.a");
        AtomicLong started = new AtomicLong();
        AtomicLong completed = new AtomicLong(); // odd: toggled is in
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        int readers = 3;
        CountDownLatch done = new CountDownLatch(readers + 2);
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            try {
                for (int i = 0; i < 10_000; i++) {
                    started.incrementAndGet();
                    index.insert("t.a", null, toggled);
                    completed.incrementAndGet();
                    pauseMicros(i % 16); // so that a stale cache entry would stay visible
                    started.incrementAndGet();
                    index.remove("t.a", null, toggled);
                    completed.incrementAndGet();
                    pauseMicros(i % 16);
                }
            } finally {
                stop.set(true);
                done.countDown();
            }
        }));
        threads.add(new Thread(() -> churn(stop, done)));
        for (int r = 0; r < readers; r++) {
            int seed = r;
            threads.add(new Thread(() -> read(seed, stable, toggled, started, completed, stop, failures, done)));
        }
        threads.forEach(Thread::start);
        assertTrue(done.await(25, TimeUnit.SECONDS), "threads did not finish");
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
        assertEquals(Set.of(stable), plain("t.a"));
        assertEquals(1, index.count());
    }

    @Test
    void shouldReplaceACatchAllWithSeveralFiltersInOneChange() {
        Sub other = add("x.y");
        Sub catchAll = add(">");
        assertEquals(Set.of(other, catchAll), plain("x.y"));
        Sub orders = new Sub("orders.>");
        Sub events = new Sub("events.*");
        index.replace(List.of(new SubjectIndex.Entry<>(">", null, catchAll)),
                List.of(new SubjectIndex.Entry<>("orders.>", null, orders), new SubjectIndex.Entry<>("events.*", null, events)));
        assertEquals(Set.of(other), plain("x.y"));
        assertEquals(Set.of(orders), plain("orders.1"));
        assertEquals(Set.of(events), plain("events.a"));
        assertEquals(3, index.count());
        // Absent entries are skipped; an invalid filter to add changes nothing.
        index.replace(List.of(new SubjectIndex.Entry<>(">", null, catchAll)), List.of());
        assertEquals(3, index.count());
        assertThrows(IllegalArgumentException.class, () -> index.replace(
                List.of(new SubjectIndex.Entry<>("x.y", null, other)), List.of(new SubjectIndex.Entry<>("a..b", null, orders))));
        assertEquals(Set.of(other), plain("x.y"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldNeverShowBothOrNeitherSideOfAReplaceToConcurrentMatches() throws Exception {
        Sub catchAll = new Sub(">");
        Sub specific = new Sub("r.*");
        index.insert(">", null, catchAll);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread t = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    Set<Sub> seen = plain("r." + (i++ & 63));
                    if (seen.size() != 1) {
                        failures.add(seen.toString());
                    }
                }
            });
            readers.add(t);
            t.start();
        }
        for (int i = 0; i < 5_000; i++) {
            boolean in = (i & 1) == 0;
            index.replace(List.of(new SubjectIndex.Entry<>(in ? ">" : "r.*", null, in ? catchAll : specific)),
                    List.of(new SubjectIndex.Entry<>(in ? "r.*" : ">", null, in ? specific : catchAll)));
            pauseMicros(i % 16);
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " matches saw both or neither, e.g. " + failures.peek());
    }

    private static void pauseMicros(int micros) {
        long until = System.nanoTime() + micros * 1_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private void churn(AtomicBoolean stop, CountDownLatch done) {
        try {
            Sub w = new Sub("wild");
            while (!stop.get()) {
                index.insert("t.*", "g", w);
                index.insert("u.>", null, w);
                index.remove("t.*", "g", w);
                index.remove("u.>", null, w);
                pauseMicros(20);
            }
        } finally {
            done.countDown();
        }
    }

    private void read(int seed, Sub stable, Sub toggled, AtomicLong started, AtomicLong completed,
            AtomicBoolean stop, ConcurrentLinkedQueue<String> failures, CountDownLatch done) {
        try {
            byte[] hot = "t.a".getBytes(StandardCharsets.US_ASCII);
            int i = seed;
            while (!stop.get()) {
                long before = completed.get();
                Match<Sub> m = index.match(hot, 0, hot.length);
                long after = started.get();
                boolean sawToggled = false;
                boolean sawStable = false;
                for (int p = 0; p < m.plainCount(); p++) {
                    sawToggled |= m.plain(p) == toggled;
                    sawStable |= m.plain(p) == stable;
                }
                if (!sawStable) {
                    failures.add("stable entry missing after toggle " + before);
                }
                if (before == after && sawToggled != ((before & 1) == 1)) {
                    failures.add("after toggle " + before + " toggled present=" + sawToggled);
                }
                index.match("u." + (i++ & 1023)); // misses that evict and refill the cache
            }
        } finally {
            done.countDown();
        }
    }

    private Sub add(String filter) {
        Sub s = new Sub(filter + "#" + index.count());
        index.insert(filter, null, s);
        return s;
    }

    private Set<Sub> plain(String subject) {
        Match<Sub> m = index.match(subject);
        Set<Sub> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < m.plainCount(); i++) {
            out.add(m.plain(i));
        }
        assertEquals(m.plainCount(), out.size(), "duplicates in " + subject);
        return out;
    }

    private static Map<String, Set<Sub>> groups(Match<Sub> m) {
        Map<String, Set<Sub>> out = new HashMap<>();
        for (int g = 0; g < m.groupCount(); g++) {
            Set<Sub> members = new HashSet<>();
            for (int i = 0; i < m.groupSize(g); i++) {
                members.add(m.member(g, i));
            }
            out.put(m.groupName(g), members);
        }
        return out;
    }

    private List<String> filters() {
        List<String> out = new ArrayList<>();
        index.entries().forEach(e -> out.add(e.filter()));
        return out;
    }
}
