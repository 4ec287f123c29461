package io.halyard.core.subject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A subject transform as nats-server defines them for stream republish (and subject mappings): a
 * source filter and a destination template. A subject that matches the source becomes the
 * destination, where {@code $n} or {@code {{wildcard(n)}}} stands for the subject's token at the
 * source's n-th {@code *} and a final {@code >} for the tokens the source's {@code >} matched.
 *
 * <p>The rules for a valid transform are nats-server's: both sides are valid subjects, the
 * destination has no {@code *}, it ends in {@code >} exactly when the source does, and every
 * wildcard reference names one of the source's {@code *}s. nats-server's other mapping functions
 * (partition, split, slice, left, right, random) are not supported: {@link #of} refuses them.
 *
 * <p>Immutable and thread-safe.
 */
public final class SubjectTransform {
    private static final String TAIL = ">";

    /** A valid nats-server mapping function that Halyard does not implement. */
    public static final class Unsupported extends IllegalArgumentException {
        Unsupported(String message) {
            super(message);
        }
    }

    private final String source;
    private final int sourceTokens;
    private final boolean sourceHasTail;
    /** Per destination token: a literal, or (when {@link #literal} is null there) a source token index. */
    private final String[] literal;
    private final int[] sourceIndex;
    private final boolean destinationHasTail;

    private SubjectTransform(String source, int sourceTokens, boolean sourceHasTail, String[] literal, int[] sourceIndex,
                             boolean destinationHasTail) {
        this.source = source;
        this.sourceTokens = sourceTokens;
        this.sourceHasTail = sourceHasTail;
        this.literal = literal;
        this.sourceIndex = sourceIndex;
        this.destinationHasTail = destinationHasTail;
    }

    /**
     * The transform from {@code source} (empty: {@code >}) to {@code destination}.
     *
     * @throws IllegalArgumentException when the pair is not a valid transform ({@link Unsupported}
     *                                  when it uses a mapping function Halyard does not implement)
     */
    public static SubjectTransform of(String source, String destination) {
        String src = source == null || source.isEmpty() ? TAIL : source;
        if (!Subjects.isValidFilter(src) || destination == null || !Subjects.isValidFilter(destination)) {
            throw new IllegalArgumentException("invalid subject");
        }
        String[] srcTokens = src.split("\\.", -1);
        String[] destTokens = destination.split("\\.", -1);
        boolean srcTail = srcTokens[srcTokens.length - 1].equals(TAIL);
        boolean destTail = destTokens[destTokens.length - 1].equals(TAIL);
        if (srcTail != destTail) {
            throw new IllegalArgumentException("invalid subject");
        }
        List<Integer> wildcardPositions = new ArrayList<>();
        for (int i = 0; i < srcTokens.length; i++) {
            if (srcTokens[i].equals("*")) {
                wildcardPositions.add(i);
            }
        }
        int count = destTail ? destTokens.length - 1 : destTokens.length;
        String[] literal = new String[count];
        int[] index = new int[count];
        for (int i = 0; i < count; i++) {
            String token = destTokens[i];
            if (token.equals("*")) {
                throw new IllegalArgumentException("invalid subject");
            }
            int n = wildcardReference(token);
            if (n == NOT_A_REFERENCE) {
                literal[i] = token;
                index[i] = -1;
            } else {
                if (n < 1 || n > wildcardPositions.size()) {
                    throw new IllegalArgumentException("invalid mapping destination: wildcard index out of range in " + token);
                }
                index[i] = wildcardPositions.get(n - 1);
            }
        }
        return new SubjectTransform(src, srcTokens.length, srcTail, literal, index, destTail);
    }

    private static final int NOT_A_REFERENCE = Integer.MIN_VALUE;

    /** n of {@code $n} or {@code {{wildcard(n)}}}; NOT_A_REFERENCE for a literal token. */
    private static int wildcardReference(String token) {
        if (token.length() > 1 && token.charAt(0) == '$') {
            try {
                return Integer.parseInt(token.substring(1));
            } catch (NumberFormatException e) {
                return NOT_A_REFERENCE; // as nats-server: other tokens starting with $ are literal
            }
        }
        if (token.length() > 4 && token.startsWith("{{") && token.endsWith("}}")) {
            String inner = token.substring(2, token.length() - 2).trim();
            int open = inner.indexOf('(');
            if (open > 0 && inner.endsWith(")")) {
                String function = inner.substring(0, open).trim().toLowerCase(Locale.ROOT);
                String args = inner.substring(open + 1, inner.length() - 1).trim();
                if (function.equals("wildcard")) {
                    if (args.isEmpty() || args.contains(",")) {
                        throw new IllegalArgumentException("invalid mapping destination: wrong number of arguments passed to the function in " + token);
                    }
                    try {
                        return Integer.parseInt(args);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("invalid mapping destination: function argument is invalid or of the wrong type in " + token);
                    }
                }
                throw new Unsupported("mapping function " + function + " is not supported by Halyard yet");
            }
        }
        return NOT_A_REFERENCE;
    }

    public String source() {
        return source;
    }

    /** The destination for {@code subject} (a literal subject), or null when it does not match the source. */
    public String apply(String subject) {
        if (!Subjects.matches(source, subject)) {
            return null;
        }
        String[] tokens = subject.split("\\.", -1);
        StringBuilder out = new StringBuilder(subject.length() + 16);
        for (int i = 0; i < literal.length; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(literal[i] != null ? literal[i] : tokens[sourceIndex[i]]);
        }
        if (destinationHasTail && sourceHasTail) {
            for (int i = sourceTokens - 1; i < tokens.length; i++) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(tokens[i]);
            }
        }
        return out.toString();
    }
}
