package io.halyard.core.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares {@link SubjectIndex} with a brute-force matcher: a list of entries filtered with
 * {@link Subjects#matches}. Random filters with {@code *} and {@code >} over a small alphabet (so
 * that many match), random inserts and removes interleaved with matches (so that cached results
 * must be invalidated), and a small cache (so that entries are evicted). Seeded: a failure names
 * its seed and step.
 */
class SubjectIndexRandomizedTest {

    private static final String[] TOKENS = {"a", "b", "c", "dd", "é"};
    private static final String[] GROUPS = {null, null, null, "q1", "q2"};
    private static final int STEPS = 5_000;

    /** One entry of the brute-force model. */
    private record Entry(String filter, String group, Integer value) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2024})
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldMatchExactlyWhatABruteForceScanMatches(long seed) {
        Random random = new Random(seed);
        SubjectIndex<Integer> index = new SubjectIndex<>(64);
        List<Entry> model = new ArrayList<>();
        int nextValue = 0;
        int nonEmptyMatches = 0;
        for (int step = 0; step < STEPS; step++) {
            int action = random.nextInt(10);
            if (action < 3 || model.isEmpty()) {
                Entry e = randomEntry(random, model, nextValue++);
                index.insert(e.filter(), e.group(), e.value());
                if (!model.contains(e)) {
                    model.add(e);
                }
            } else if (action < 5) {
                Entry e = model.remove(random.nextInt(model.size()));
                assertTrue(index.remove(e.filter(), e.group(), e.value()), "seed " + seed + " step " + step);
            } else {
                String subject = randomSubject(random);
                Match<Integer> actual = index.match(subject);
                String where = "seed " + seed + " step " + step + " subject " + subject;
                assertEquals(expected(model, subject), describe(actual), where);
                nonEmptyMatches += actual.isEmpty() ? 0 : 1;
            }
            assertEquals(model.size(), index.count());
        }
        assertTrue(nonEmptyMatches > STEPS / 10, "too few matches to mean anything: " + nonEmptyMatches);
    }

    /**
     * A new entry; sometimes an existing filter or value again, so that values sit under several
     * filters and duplicates of one entry are tried.
     */
    private static Entry randomEntry(Random random, List<Entry> model, int nextValue) {
        if (!model.isEmpty() && random.nextInt(8) == 0) {
            Entry existing = model.get(random.nextInt(model.size()));
            return random.nextBoolean() ? existing
                    : new Entry(randomFilter(random), existing.group(), existing.value());
        }
        return new Entry(randomFilter(random), GROUPS[random.nextInt(GROUPS.length)], nextValue);
    }

    private static String randomFilter(Random random) {
        int n = 1 + random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('.');
            }
            int r = random.nextInt(10);
            if (i == n - 1 && r == 0) {
                sb.append('>');
            } else if (r < 3) {
                sb.append('*');
            } else {
                sb.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
        }
        return sb.toString();
    }

    private static String randomSubject(Random random) {
        int n = 1 + random.nextInt(5);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        return sb.toString();
    }

    /** "plain" and each group name to its sorted values, from the brute-force scan. */
    private static Map<String, List<Integer>> expected(List<Entry> model, String subject) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (Entry e : model) {
            if (Subjects.matches(e.filter(), subject)) {
                out.computeIfAbsent(e.group() == null ? "plain" : e.group(), k -> new ArrayList<>())
                        .add(e.value());
            }
        }
        out.values().forEach(list -> list.sort(null));
        return out;
    }

    private static Map<String, List<Integer>> describe(Match<Integer> m) {
        Map<String, List<Integer>> out = new HashMap<>();
        for (int i = 0; i < m.plainCount(); i++) {
            out.computeIfAbsent("plain", k -> new ArrayList<>()).add(m.plain(i));
        }
        for (int g = 0; g < m.groupCount(); g++) {
            assertTrue(m.groupSize(g) > 0, "empty group " + m.groupName(g));
            for (int i = 0; i < m.groupSize(g); i++) {
                out.computeIfAbsent(m.groupName(g), k -> new ArrayList<>()).add(m.member(g, i));
            }
        }
        out.values().forEach(list -> list.sort(null));
        return new TreeMap<>(out);
    }
}
