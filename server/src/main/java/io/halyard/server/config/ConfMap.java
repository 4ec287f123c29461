package io.halyard.server.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys of a block ({@code name { ... }}), of a map value, or of a whole config file, in the order
 * they were last written. A key written twice keeps its last value and moves to that place, so "the
 * later line wins" holds for keys that overlap in meaning too ({@code listen} and {@code port}).
 * Keys are case-sensitive here, as in nats-server's parser.
 *
 * <p>Not thread-safe while the {@link ConfParser} builds it; read-only afterwards.
 */
public final class ConfMap {

    private final Map<String, ConfEntry> entries = new LinkedHashMap<>();

    void put(ConfEntry entry) {
        entries.remove(entry.key());
        entries.put(entry.key(), entry);
    }

    /** The entry for exactly {@code key}, or {@code null}. */
    public ConfEntry entry(String key) {
        return entries.get(key);
    }

    /** The value for exactly {@code key}, or {@code null}. */
    public ConfValue get(String key) {
        ConfEntry e = entries.get(key);
        return e == null ? null : e.value();
    }

    /** Every entry, in file order (a re-defined key at its last definition). */
    public Collection<ConfEntry> entries() {
        return Collections.unmodifiableCollection(entries.values());
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return entries.keySet().toString();
    }
}
