package io.halyard.core.subject;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Collects the entries of the trie nodes that match one subject, then freezes them into a
 * {@link Match}. Reused by a thread across cache misses ({@link #reset()}). Not thread-safe.
 */
final class MatchBuilder {

    private Object[] plain = new Object[8];
    private int plainCount;
    // Queue groups, allocated with the first one: most subjects match none.
    private String[] names;
    private Object[][] members;
    private int[] sizes;
    private int groupCount;

    void add(SubjectTrie.Node node) {
        if (node.plain != null) {
            addPlain(node.plain);
        }
        if (node.groups != null) {
            for (Map.Entry<String, Set<Object>> group : node.groups.entrySet()) {
                addGroup(group.getKey(), group.getValue());
            }
        }
    }

    /** Empties the builder for reuse (it is kept per thread). */
    void reset() {
        Arrays.fill(plain, 0, plainCount, null);
        plainCount = 0;
        for (int g = 0; g < groupCount; g++) {
            names[g] = null;
            members[g] = null;
            sizes[g] = 0;
        }
        groupCount = 0;
    }

    Match<?> build() {
        if (plainCount == 0 && groupCount == 0) {
            return Match.empty();
        }
        Object[] frozenPlain = Arrays.copyOf(plain, plainCount);
        if (groupCount == 0) {
            return Match.of(frozenPlain, null, null);
        }
        Object[][] frozen = new Object[groupCount][];
        for (int g = 0; g < groupCount; g++) {
            frozen[g] = Arrays.copyOf(members[g], sizes[g]);
        }
        return Match.of(frozenPlain, Arrays.copyOf(names, groupCount), frozen);
    }

    private void addPlain(Set<Object> values) {
        int needed = plainCount + values.size();
        if (needed > plain.length) {
            plain = Arrays.copyOf(plain, Math.max(needed, plain.length * 2));
        }
        for (Object value : values) {
            plain[plainCount++] = value;
        }
    }

    private void addGroup(String name, Set<Object> values) {
        int g = indexOf(name);
        if (g < 0) {
            g = newGroup(name, values.size());
        }
        int needed = sizes[g] + values.size();
        if (needed > members[g].length) {
            members[g] = Arrays.copyOf(members[g], Math.max(needed, members[g].length * 2));
        }
        Object[] group = members[g];
        int size = sizes[g];
        for (Object value : values) {
            group[size++] = value;
        }
        sizes[g] = size;
    }

    /** Linear: a subject rarely matches more than a handful of distinct queue groups. */
    private int indexOf(String name) {
        for (int g = 0; g < groupCount; g++) {
            if (names[g].equals(name)) {
                return g;
            }
        }
        return -1;
    }

    private int newGroup(String name, int capacity) {
        if (names == null) {
            names = new String[2];
            members = new Object[2][];
            sizes = new int[2];
        } else if (groupCount == names.length) {
            names = Arrays.copyOf(names, groupCount * 2);
            members = Arrays.copyOf(members, groupCount * 2);
            sizes = Arrays.copyOf(sizes, groupCount * 2);
        }
        names[groupCount] = name;
        members[groupCount] = new Object[capacity];
        return groupCount++;
    }
}
