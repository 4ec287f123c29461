package io.halyard.log;

/**
 * A subject or a subject filter: dot-separated tokens where {@code *} matches one token and a final
 * {@code >} matches one or more. Matching walks both strings in place and allocates nothing.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class SubjectFilter {
    /** Matches every subject. */
    public static final SubjectFilter ALL = new SubjectFilter(">");

    private final String filter;
    private final boolean literal;
    private final boolean all;

    private SubjectFilter(String filter) {
        this.filter = filter;
        this.all = filter.equals(">");
        this.literal = !all && isLiteralText(filter);
    }

    /** A filter from its text; {@code null}, empty and {@code ">"} mean every subject. */
    public static SubjectFilter of(String filter) {
        if (filter == null || filter.isEmpty() || filter.equals(">")) {
            return ALL;
        }
        return new SubjectFilter(filter);
    }

    public String text() {
        return filter;
    }

    /** True when the filter has no wildcard token: it names exactly one subject. */
    public boolean isLiteral() {
        return literal;
    }

    public boolean matchesAll() {
        return all;
    }

    public boolean matches(String subject) {
        if (all) {
            return true;
        }
        if (literal) {
            return filter.equals(subject);
        }
        int f = 0;
        int s = 0;
        int fl = filter.length();
        int sl = subject.length();
        while (f < fl) {
            if (s >= sl) {
                return false;
            }
            int fEnd = tokenEnd(filter, f);
            int sEnd = tokenEnd(subject, s);
            int fLen = fEnd - f;
            if (fLen == 1 && filter.charAt(f) == '>') {
                return true; // one or more tokens remain in the subject
            }
            if (!(fLen == 1 && filter.charAt(f) == '*')) {
                if (fLen != sEnd - s || !filter.regionMatches(f, subject, s, fLen)) {
                    return false;
                }
            }
            f = fEnd + 1;
            s = sEnd + 1;
        }
        return s > sl; // the subject has no tokens left over
    }

    private static int tokenEnd(String text, int from) {
        int dot = text.indexOf('.', from);
        return dot < 0 ? text.length() : dot;
    }

    private static boolean isLiteralText(String text) {
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int end = tokenEnd(text, start);
            if (end - start == 1 && (text.charAt(start) == '*' || text.charAt(start) == '>')) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubjectFilter other && other.filter.equals(filter);
    }

    @Override
    public int hashCode() {
        return filter.hashCode();
    }

    @Override
    public String toString() {
        return filter;
    }
}
