package io.halyard.core.subject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * nats-server's subject mappings (the {@code mappings} block): a message a client publishes to a
 * subject that matches a mapping's source is routed, and delivered, under a destination subject
 * instead, chosen at random by weight among the mapping's destinations (canary releases, A/B
 * splits, partitioning with {@link SubjectTransform}'s functions).
 *
 * <p>The rules are nats-server's: weights are 0..100 per destination and at most 100 in all; when
 * they add up to less than 100 and the source is not one of the destinations, the rest of the weight
 * keeps the message on its own subject; one destination may not be listed twice. The first mapping,
 * in configuration order, whose source is the subject or matches it applies.
 *
 * <p>Immutable and thread-safe.
 */
public final class SubjectMappings {
    /** One configured destination: a transform destination and its weight in percent. */
    public record Destination(String subject, int weight) {
    }

    private record Choice(SubjectTransform transform, int upTo) {
    }

    private record Mapping(String source, boolean wildcard, Choice[] choices) {
    }

    private final Mapping[] mappings;

    private SubjectMappings(Mapping[] mappings) {
        this.mappings = mappings;
    }

    /**
     * Builds the mappings, in the map's iteration order.
     *
     * @throws IllegalArgumentException naming the source and what is wrong with it, as nats-server does
     */
    public static SubjectMappings of(Map<String, List<Destination>> config) {
        List<Mapping> list = new ArrayList<>();
        for (Map.Entry<String, List<Destination>> e : config.entrySet()) {
            list.add(mapping(e.getKey(), e.getValue()));
        }
        return new SubjectMappings(list.toArray(new Mapping[0]));
    }

    private static Mapping mapping(String source, List<Destination> destinations) {
        if (source == null || !Subjects.isValidFilter(source)) {
            throw new IllegalArgumentException("subject \"" + source + "\" is not a valid subject");
        }
        Set<String> seen = new HashSet<>();
        List<SubjectTransform> transforms = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        int total = 0;
        for (Destination d : destinations) {
            if (!seen.add(d.subject())) {
                throw new IllegalArgumentException("error adding mapping for \"" + source + "\": duplicate entry for \""
                        + d.subject() + "\"");
            }
            if (d.weight() < 0 || d.weight() > 100) {
                throw new IllegalArgumentException("error adding mapping for \"" + source
                        + "\": individual weights need to be <= 100");
            }
            total += d.weight();
            if (total > 100) {
                throw new IllegalArgumentException("error adding mapping for \"" + source
                        + "\": total weight needs to be <= 100");
            }
            try {
                transforms.add(SubjectTransform.of(source, d.subject()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("error adding mapping for \"" + source + "\" to \"" + d.subject()
                        + "\": " + ex.getMessage());
            }
            weights.add(d.weight());
        }
        if (total != 100 && !seen.contains(source)) {
            // The rest of the weight leaves the message where it was published.
            transforms.add(SubjectTransform.of(source, selfDestination(source)));
            weights.add(destinations.isEmpty() ? 100 : 100 - total);
        }
        Integer[] order = new Integer[transforms.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(weights::get)); // stable, lightest first, as nats-server
        Choice[] choices = new Choice[order.length];
        int upTo = 0;
        for (int i = 0; i < order.length; i++) {
            upTo += weights.get(order[i]);
            choices[i] = new Choice(transforms.get(order[i]), upTo);
        }
        boolean wildcard = source.contains("*") || source.contains(">");
        return new Mapping(source, wildcard, choices);
    }

    /** The source written as a destination that maps every subject to itself ({@code a.*} → {@code a.$1}). */
    private static String selfDestination(String source) {
        String[] tokens = source.split("\\.", -1);
        int n = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals("*")) {
                tokens[i] = "$" + (++n);
            }
        }
        return String.join(".", tokens);
    }

    public boolean isEmpty() {
        return mappings.length == 0;
    }

    /**
     * The subject a message published to {@code subject} goes to: a destination of the first mapping
     * that applies, picked by weight, or {@code subject} itself when none applies. A weighted choice
     * may also land on no destination (weights under 100 with the source listed): then null, and the
     * message goes nowhere, as in nats-server.
     */
    public String map(String subject) {
        for (Mapping m : mappings) {
            if (m.wildcard ? Subjects.matches(m.source, subject) : m.source.equals(subject)) {
                Choice[] choices = m.choices;
                if (choices.length == 1 && choices[0].upTo == 100) {
                    return choices[0].transform.transform(subject);
                }
                int w = ThreadLocalRandom.current().nextInt(100);
                for (Choice c : choices) {
                    if (w < c.upTo) {
                        return c.transform.transform(subject);
                    }
                }
                return null;
            }
        }
        return subject;
    }
}
