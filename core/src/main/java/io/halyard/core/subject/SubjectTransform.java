package io.halyard.core.subject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subject transform as nats-server defines them for subject mappings, stream subject transforms
 * and republish: a source filter and a destination template. A subject that matches the source
 * becomes the destination, token by token:
 *
 * <ul>
 *   <li>a literal token stays;
 *   <li>{@code $n} or {@code {{wildcard(n)}}} is the subject's token at the source's n-th {@code *};
 *   <li>{@code {{partition(p, n, m…)}}} is a bucket 0..p-1, the FNV-1a hash of those tokens joined
 *       without a separator (of the whole subject when no token is named) modulo p;
 *   <li>{@code {{splitFromLeft(n, i)}}} / {@code {{splitFromRight(n, i)}}} split token n in two, i
 *       characters from the left / right; {@code {{sliceFromLeft(n, s)}}} / {@code {{sliceFromRight(n, s)}}}
 *       cut it into tokens of s characters, the remainder last / first; {@code {{split(n, d)}}} makes
 *       a token of every non-empty part between delimiters d; {@code {{left(n, k)}}} /
 *       {@code {{right(n, k)}}} keep its first / last k characters (a token too short to cut stays
 *       whole);
 *   <li>{@code {{random(p)}}} is a random bucket 0..p-1;
 *   <li>a final {@code >} is the tokens the source's {@code >} matched.
 * </ul>
 *
 * <p>The rules for a valid transform are nats-server's: both sides are valid subjects (a function
 * token may hold spaces and commas), the destination has no {@code *}, it ends in {@code >} exactly
 * when the source does, no token reference names a {@code *} beyond the source's last (nats-server
 * takes 0 for the subject's first token, and so does Halyard), and a source
 * without wildcards allows only literals, {@code partition} and {@code random}. Errors say what is
 * wrong in which token, in nats-server's words ("invalid mapping destination: wildcard index out of
 * range in $3"). Characters are counted in UTF-16 units, bytes in nats-server: the same for ASCII.
 *
 * <p>Immutable and thread-safe.
 */
public final class SubjectTransform {
    private static final String TAIL = ">";
    private static final Pattern FUNCTION = Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*\\((.*)\\)\\s*}}");
    private static final Pattern ARG_SEPARATOR = Pattern.compile(",\\s*");

    private static final String INVALID = "invalid mapping destination";
    private static final String NOT_ENOUGH_ARGS = INVALID + ": not enough arguments passed to the function";
    private static final String TOO_MANY_ARGS = INVALID + ": too many arguments passed to the function";
    private static final String INVALID_ARG = INVALID + ": function argument is invalid or of the wrong type";
    private static final String OUT_OF_RANGE = INVALID + ": wildcard index out of range";
    private static final String UNKNOWN_FUNCTION = INVALID + ": unknown function";

    private enum Kind {
        LITERAL, WILDCARD, PARTITION, SPLIT_FROM_LEFT, SPLIT_FROM_RIGHT, SLICE_FROM_LEFT, SLICE_FROM_RIGHT, SPLIT,
        LEFT, RIGHT, RANDOM
    }

    /** One destination token: a literal, or a function of source tokens (indexes into the subject). */
    private record Step(Kind kind, String literal, int[] tokens, int number, String delimiter) {
        static Step literal(String token) {
            return new Step(Kind.LITERAL, token, null, 0, null);
        }
    }

    private final String source;
    private final int sourceTokens;
    private final boolean sourceHasTail;
    private final Step[] steps;
    private final boolean destinationHasTail;

    private SubjectTransform(String source, int sourceTokens, boolean sourceHasTail, Step[] steps,
                             boolean destinationHasTail) {
        this.source = source;
        this.sourceTokens = sourceTokens;
        this.sourceHasTail = sourceHasTail;
        this.steps = steps;
        this.destinationHasTail = destinationHasTail;
    }

    /**
     * The transform from {@code source} (empty: {@code >}) to {@code destination}.
     *
     * @throws IllegalArgumentException when the pair is not a valid transform, saying why
     */
    public static SubjectTransform of(String source, String destination) {
        String src = source == null || source.isEmpty() ? TAIL : source;
        if (!Subjects.isValidFilter(src) || destination == null || destination.isEmpty()) {
            throw new IllegalArgumentException("invalid subject");
        }
        String[] srcTokens = src.split("\\.", -1);
        String[] destTokens = destination.split("\\.", -1);
        for (int i = 0; i < destTokens.length; i++) {
            String t = destTokens[i];
            boolean function = t.startsWith("{{") && t.endsWith("}}");
            if (t.isEmpty() || t.equals("*") || (t.equals(TAIL) && i < destTokens.length - 1)
                    || (!function && !Subjects.isValidFilter(t))) {
                throw new IllegalArgumentException("invalid subject");
            }
        }
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
        boolean literalSource = wildcardPositions.isEmpty() && !srcTail;
        int count = destTail ? destTokens.length - 1 : destTokens.length;
        Step[] steps = new Step[count];
        for (int i = 0; i < count; i++) {
            Step step = parse(destTokens[i]);
            if (literalSource) {
                // As nats-server: without wildcards only partition (of the whole subject) and random.
                if (step.kind == Kind.PARTITION) {
                    step = new Step(Kind.PARTITION, null, new int[0], step.number, null);
                } else if (step.kind != Kind.LITERAL && step.kind != Kind.RANDOM) {
                    throw new IllegalArgumentException(OUT_OF_RANGE + " in " + destTokens[i]);
                }
            } else if (step.tokens != null) {
                int[] positions = new int[step.tokens.length];
                for (int k = 0; k < positions.length; k++) {
                    int n = step.tokens[k];
                    if (n > wildcardPositions.size()) {
                        throw new IllegalArgumentException(OUT_OF_RANGE + " in " + destTokens[i] + ": [" + n + "]");
                    }
                    // As nats-server, which looks the number up in a map: 0 (or less) is the first token.
                    positions[k] = n < 1 ? 0 : wildcardPositions.get(n - 1);
                }
                step = new Step(step.kind, null, positions, step.number, step.delimiter);
            }
            steps[i] = step;
        }
        return new SubjectTransform(src, srcTokens.length, srcTail, steps, destTail);
    }

    /** One destination token; function steps hold wildcard numbers (1-based) in {@code tokens}. */
    private static Step parse(String token) {
        if (token.length() > 1 && token.charAt(0) == '$') {
            try {
                return new Step(Kind.WILDCARD, null, new int[] {Integer.parseInt(token.substring(1))}, 0, null);
            } catch (NumberFormatException e) {
                return Step.literal(token); // as nats-server: other tokens starting with $ are literal
            }
        }
        if (token.length() <= 4 || !token.startsWith("{{") || !token.endsWith("}}")) {
            return Step.literal(token);
        }
        Matcher m = FUNCTION.matcher(token);
        if (!m.matches()) {
            throw new IllegalArgumentException(UNKNOWN_FUNCTION + " in " + token);
        }
        String function = m.group(1).toLowerCase(Locale.ROOT);
        String[] args = ARG_SEPARATOR.split(m.group(2), -1);
        switch (function) {
            case "wildcard":
                if (args.length == 1 && args[0].isEmpty()) {
                    throw new IllegalArgumentException(NOT_ENOUGH_ARGS + " in " + token);
                }
                if (args.length > 1) {
                    throw new IllegalArgumentException(TOO_MANY_ARGS + " in " + token);
                }
                return new Step(Kind.WILDCARD, null, new int[] {integer(args[0], token)}, 0, null);
            case "partition": {
                int partitions = integer(args[0], token);
                int[] tokens = new int[args.length - 1];
                for (int i = 1; i < args.length; i++) {
                    tokens[i - 1] = integer(args[i], token);
                }
                return new Step(Kind.PARTITION, null, tokens, partitions, null);
            }
            case "splitfromleft":
                return indexAndNumber(Kind.SPLIT_FROM_LEFT, args, token);
            case "splitfromright":
                return indexAndNumber(Kind.SPLIT_FROM_RIGHT, args, token);
            case "slicefromleft":
                return indexAndNumber(Kind.SLICE_FROM_LEFT, args, token);
            case "slicefromright":
                return indexAndNumber(Kind.SLICE_FROM_RIGHT, args, token);
            case "left":
                return indexAndNumber(Kind.LEFT, args, token);
            case "right":
                return indexAndNumber(Kind.RIGHT, args, token);
            case "split": {
                checkTwo(args, token);
                String delimiter = args[1];
                if (delimiter.contains(" ") || delimiter.contains(".")) {
                    throw new IllegalArgumentException(INVALID_ARG + " in " + token);
                }
                return new Step(Kind.SPLIT, null, new int[] {integer(args[0], token)}, 0, delimiter);
            }
            case "random":
                if (args.length != 1) {
                    throw new IllegalArgumentException(NOT_ENOUGH_ARGS + " in " + token);
                }
                return new Step(Kind.RANDOM, null, null, integer(args[0], token), null);
            default:
                throw new IllegalArgumentException(UNKNOWN_FUNCTION + " in " + token);
        }
    }

    private static Step indexAndNumber(Kind kind, String[] args, String token) {
        checkTwo(args, token);
        return new Step(kind, null, new int[] {integer(args[0], token)}, integer(args[1], token), null);
    }

    private static void checkTwo(String[] args, String token) {
        if (args.length < 2) {
            throw new IllegalArgumentException(NOT_ENOUGH_ARGS + " in " + token);
        }
        if (args.length > 2) {
            throw new IllegalArgumentException(TOO_MANY_ARGS + " in " + token);
        }
    }

    private static int integer(String arg, String token) {
        try {
            return Integer.parseInt(arg.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(INVALID_ARG + " in " + token);
        }
    }

    public String source() {
        return source;
    }

    /** The destination for {@code subject} (a literal subject), or null when it does not match the source. */
    public String apply(String subject) {
        if (!Subjects.matches(source, subject)) {
            return null;
        }
        return transform(subject);
    }

    /** The destination for {@code subject}, which the caller knows matches the source. */
    public String transform(String subject) {
        String[] tokens = subject.split("\\.", -1);
        StringBuilder out = new StringBuilder(subject.length() + 16);
        for (int i = 0; i < steps.length; i++) {
            if (i > 0) {
                out.append('.');
            }
            append(out, steps[i], tokens, subject);
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

    private static void append(StringBuilder out, Step step, String[] tokens, String subject) {
        switch (step.kind) {
            case LITERAL -> out.append(step.literal);
            case WILDCARD -> out.append(tokens[step.tokens[0]]);
            case PARTITION -> {
                String key;
                if (step.tokens.length == 0) {
                    key = subject;
                } else {
                    StringBuilder k = new StringBuilder();
                    for (int t : step.tokens) {
                        k.append(tokens[t]);
                    }
                    key = k.toString();
                }
                out.append(step.number == 0 ? 0 : Integer.remainderUnsigned(fnv1a(key), step.number));
            }
            case RANDOM -> out.append(step.number <= 0 ? 0 : ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE)
                    % step.number);
            default -> appendCut(out, step, tokens[step.tokens[0]]);
        }
    }

    /** The functions that cut one source token into one or more destination tokens. */
    private static void appendCut(StringBuilder out, Step step, String token) {
        int length = token.length();
        int n = step.number;
        boolean cuts = n > 0 && n < length;
        switch (step.kind) {
            case SPLIT_FROM_LEFT -> out.append(cuts ? token.substring(0, n) + "." + token.substring(n) : token);
            case SPLIT_FROM_RIGHT -> out.append(cuts
                    ? token.substring(0, length - n) + "." + token.substring(length - n) : token);
            case LEFT -> out.append(cuts ? token.substring(0, n) : token);
            case RIGHT -> out.append(cuts ? token.substring(length - n) : token);
            case SLICE_FROM_LEFT -> {
                if (!cuts) {
                    out.append(token);
                    return;
                }
                for (int at = 0; at < length; at += n) {
                    if (at > 0) {
                        out.append('.');
                    }
                    out.append(token, at, Math.min(length, at + n)); // the remainder is the last slice
                }
            }
            case SLICE_FROM_RIGHT -> {
                if (!cuts) {
                    out.append(token);
                    return;
                }
                int first = length % n == 0 ? n : length % n; // the remainder is the first slice
                out.append(token, 0, first);
                for (int at = first; at < length; at += n) {
                    out.append('.').append(token, at, at + n);
                }
            }
            case SPLIT -> {
                // Every non-empty part between delimiters becomes a token.
                boolean any = false;
                int from = 0;
                String d = step.delimiter;
                while (from <= length) {
                    int at = d.isEmpty() ? (from < length ? from + 1 : -1) : token.indexOf(d, from);
                    int end = at < 0 ? length : at;
                    if (end > from) {
                        if (any) {
                            out.append('.');
                        }
                        out.append(token, from, end);
                        any = true;
                    }
                    if (at < 0) {
                        break;
                    }
                    from = d.isEmpty() ? at : at + d.length();
                }
            }
            default -> throw new IllegalStateException(step.kind.toString());
        }
    }

    /** 32-bit FNV-1a of the UTF-8 bytes, as nats-server's partition hashes its key. */
    static int fnv1a(String key) {
        int hash = 0x811c9dc5;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }
}
