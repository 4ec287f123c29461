package io.halyard.core.subject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The levels of a {@link SubjectIndex}, after nats-server's sublist: each level maps literal
 * tokens to nodes and has at most one {@code '*'} node and one {@code '>'} node, so matching a
 * subject costs O(tokens × wildcard branches), not O(entries).
 *
 * <p>Tokens are the subject's UTF-8 bytes decoded as ISO-8859-1, one char per byte: lossless,
 * cheap to make from the wire bytes, and equal to the Java string for ASCII subjects.
 *
 * <p>Not thread-safe: {@link SubjectIndex} guards it with its lock.
 */
final class SubjectTrie {

    static final String ONE_TOKEN = "*";
    static final String TAIL = ">";

    /** One position in the subject: the nodes for the token found there. */
    static final class Level {
        HashMap<String, Node> literals;
        Node oneToken;
        Node tail;

        Node child(String token) {
            if (ONE_TOKEN.equals(token)) {
                return oneToken;
            }
            if (TAIL.equals(token)) {
                return tail;
            }
            return literals == null ? null : literals.get(token);
        }

        Node addChild(String token) {
            Node node = new Node();
            if (ONE_TOKEN.equals(token)) {
                oneToken = node;
            } else if (TAIL.equals(token)) {
                tail = node;
            } else {
                if (literals == null) {
                    literals = new HashMap<>();
                }
                literals.put(token, node);
            }
            return node;
        }

        void removeChild(String token) {
            if (ONE_TOKEN.equals(token)) {
                oneToken = null;
            } else if (TAIL.equals(token)) {
                tail = null;
            } else {
                literals.remove(token);
            }
        }

        boolean isEmpty() {
            return oneToken == null && tail == null && (literals == null || literals.isEmpty());
        }
    }

    /** The end of a filter's path: its entries, and the level below for longer filters. */
    static final class Node {
        /** The filter as inserted, kept for {@link SubjectTrie#entries()}; set with the first entry. */
        String filter;
        Level next;
        /** Plain entries, a set by identity. */
        Set<Object> plain;
        /** Queue group name to its members, each a set by identity. */
        Map<String, Set<Object>> groups;

        boolean hasEntries() {
            return plain != null && !plain.isEmpty() || groups != null && !groups.isEmpty();
        }
    }

    private final Level root = new Level();

    /** Adds the entry; false if this exact (filter, group, value) is already present. */
    boolean insert(String filter, String[] tokens, String group, Object value) {
        Level level = root;
        Node node = null;
        for (int i = 0; i < tokens.length; i++) {
            node = level.child(tokens[i]);
            if (node == null) {
                node = level.addChild(tokens[i]);
            }
            if (i < tokens.length - 1) {
                if (node.next == null) {
                    node.next = new Level();
                }
                level = node.next;
            }
        }
        node.filter = filter;
        return members(node, group).add(value);
    }

    /** Removes the entry and prunes nodes left empty; false if it was not present. */
    boolean remove(String[] tokens, String group, Object value) {
        Level[] levels = new Level[tokens.length];
        Node[] nodes = new Node[tokens.length];
        Level level = root;
        for (int i = 0; i < tokens.length; i++) {
            Node node = level == null ? null : level.child(tokens[i]);
            if (node == null) {
                return false;
            }
            levels[i] = level;
            nodes[i] = node;
            level = node.next;
        }
        if (!removeEntry(nodes[tokens.length - 1], group, value)) {
            return false;
        }
        for (int i = tokens.length - 1; i >= 0; i--) {
            Node node = nodes[i];
            if (node.next != null && node.next.isEmpty()) {
                node.next = null;
            }
            if (node.hasEntries() || node.next != null) {
                break;
            }
            levels[i].removeChild(tokens[i]);
        }
        return true;
    }

    /** Adds every node that matches the literal subject {@code tokens} to {@code out}. */
    void collect(String[] tokens, MatchBuilder out) {
        collect(root, tokens, 0, out);
    }

    /** {@link #collect(String[], MatchBuilder)} for a subject split into byte ranges, creating no strings. */
    void collect(SubjectTokens tokens, MatchBuilder out) {
        collect(root, tokens, 0, out);
    }

    private static void collect(Level level, SubjectTokens tokens, int from, MatchBuilder out) {
        Node literal = null;
        Node oneToken = null;
        int count = tokens.count();
        for (int i = from; i < count; i++) {
            if (level == null) {
                return;
            }
            if (level.tail != null) {
                out.add(level.tail);
            }
            oneToken = level.oneToken;
            if (oneToken != null && i < count - 1) {
                collect(oneToken.next, tokens, i + 1, out);
            }
            // The probe stands in for the token's string: HashMap calls its equals with the keys.
            literal = level.literals == null ? null : level.literals.get(tokens.key(i));
            level = literal == null ? null : literal.next;
        }
        if (literal != null) {
            out.add(literal);
        }
        if (oneToken != null) {
            out.add(oneToken);
        }
    }

    /** Every entry, for monitoring. */
    <T> List<SubjectIndex.Entry<T>> entries() {
        List<SubjectIndex.Entry<T>> out = new ArrayList<>();
        addEntries(root, out);
        return out;
    }

    private static void collect(Level level, String[] tokens, int from, MatchBuilder out) {
        Node literal = null;
        Node oneToken = null;
        for (int i = from; i < tokens.length; i++) {
            if (level == null) {
                return;
            }
            if (level.tail != null) {
                out.add(level.tail);
            }
            oneToken = level.oneToken;
            if (oneToken != null && i < tokens.length - 1) {
                collect(oneToken.next, tokens, i + 1, out);
            }
            literal = level.literals == null ? null : level.literals.get(tokens[i]);
            level = literal == null ? null : literal.next;
        }
        if (literal != null) {
            out.add(literal);
        }
        if (oneToken != null) {
            out.add(oneToken);
        }
    }

    private static Set<Object> members(Node node, String group) {
        if (group == null) {
            if (node.plain == null) {
                node.plain = identitySet();
            }
            return node.plain;
        }
        if (node.groups == null) {
            node.groups = new LinkedHashMap<>();
        }
        return node.groups.computeIfAbsent(group, g -> identitySet());
    }

    private static boolean removeEntry(Node node, String group, Object value) {
        if (group == null) {
            return node.plain != null && node.plain.remove(value);
        }
        Set<Object> members = node.groups == null ? null : node.groups.get(group);
        if (members == null || !members.remove(value)) {
            return false;
        }
        if (members.isEmpty()) {
            node.groups.remove(group);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static <T> void addEntries(Level level, List<SubjectIndex.Entry<T>> out) {
        List<Node> children = new ArrayList<>();
        if (level.literals != null) {
            children.addAll(level.literals.values());
        }
        if (level.oneToken != null) {
            children.add(level.oneToken);
        }
        if (level.tail != null) {
            children.add(level.tail);
        }
        for (Node node : children) {
            if (node.plain != null) {
                for (Object value : node.plain) {
                    out.add(new SubjectIndex.Entry<>(node.filter, null, (T) value));
                }
            }
            if (node.groups != null) {
                node.groups.forEach((group, members) -> members.forEach(
                        value -> out.add(new SubjectIndex.Entry<>(node.filter, group, (T) value))));
            }
            if (node.next != null) {
                addEntries(node.next, out);
            }
        }
    }

    private static Set<Object> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
