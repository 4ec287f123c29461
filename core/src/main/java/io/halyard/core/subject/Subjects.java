package io.halyard.core.subject;

/**
 * The NATS subject rules, as nats-server applies them to clients.
 *
 * <p>A subject is a sequence of tokens separated by {@code '.'}. Every token is non-empty and no
 * subject contains whitespace (space, tab, CR, LF or form feed — the set nats-server's
 * {@code isValidSubject} rejects). A token that is exactly {@code "*"} matches any one token; a
 * token that is exactly {@code ">"} must be the last token and matches one or more tokens. A
 * wildcard character inside a longer token ({@code "a.b*"}, {@code "a.>b"}) is an ordinary
 * literal character, as in nats-server. A <em>publish subject</em> has no wildcard token; a
 * <em>filter</em> (what SUB takes) may have them.
 *
 * <p>Limits: nats-server imposes no length or token limit of its own on subjects. A subject is
 * bounded only by the control line ({@code max_control_line}, 4096 bytes by default), and the
 * optional {@code max_sub_tokens} option caps the number of tokens of a subscription filter (see
 * {@link #tokenCount}). Those limits belong to the session, not to this class.
 *
 * <p>Subjects travel as UTF-8, and every rule is about ASCII characters. A UTF-8 multi-byte
 * sequence never contains an ASCII byte, so the byte and {@code String} forms agree.
 *
 * <p>Thread-safe: static methods without state.
 */
public final class Subjects {

    static final char SEPARATOR = '.';
    static final char ONE_TOKEN = '*';
    static final char TAIL = '>';

    private Subjects() {
    }

    /**
     * Whether {@code len} bytes of {@code b} from {@code off} are a valid publish subject: valid,
     * and no token is a wildcard. Allocates nothing; meant for pedantic clients, once per message.
     */
    public static boolean isValidPublishSubject(byte[] b, int off, int len) {
        if (len <= 0) {
            return false;
        }
        int end = off + len;
        int tokenStart = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == SEPARATOR) {
                if (!isLiteralToken(b, tokenStart, i)) {
                    return false;
                }
                tokenStart = i + 1;
            } else if (isWhitespace(c)) {
                return false;
            }
        }
        return isLiteralToken(b, tokenStart, end);
    }

    /** Whether {@code subject} is a valid publish subject: valid, and no token is a wildcard. */
    public static boolean isValidPublishSubject(String subject) {
        int len = subject.length();
        if (len == 0) {
            return false;
        }
        int tokenStart = 0;
        for (int i = 0; i < len; i++) {
            char c = subject.charAt(i);
            if (c == SEPARATOR) {
                if (!isLiteralToken(subject, tokenStart, i)) {
                    return false;
                }
                tokenStart = i + 1;
            } else if (isWhitespace(c)) {
                return false;
            }
        }
        return isLiteralToken(subject, tokenStart, len);
    }

    /**
     * Whether {@code filter} is a valid subscription filter: non-empty tokens, no whitespace, and
     * {@code ">"} only as the last token.
     */
    public static boolean isValidFilter(String filter) {
        int len = filter.length();
        if (len == 0) {
            return false;
        }
        int tokenStart = 0;
        for (int i = 0; i < len; i++) {
            char c = filter.charAt(i);
            if (c == SEPARATOR) {
                if (i == tokenStart || isTail(filter, tokenStart, i)) {
                    return false;
                }
                tokenStart = i + 1;
            } else if (isWhitespace(c)) {
                return false;
            }
        }
        return tokenStart < len;
    }

    /**
     * Whether no token of {@code subject} is a wildcard. This does not validate the subject: use
     * it on subjects already known to be valid filters.
     */
    public static boolean isLiteral(String subject) {
        int len = subject.length();
        int tokenStart = 0;
        for (int i = 0; i <= len; i++) {
            if (i == len || subject.charAt(i) == SEPARATOR) {
                if (i - tokenStart == 1 && isWildcard(subject.charAt(tokenStart))) {
                    return false;
                }
                tokenStart = i + 1;
            }
        }
        return true;
    }

    /** The number of tokens of {@code subject} (for {@code max_sub_tokens}); 0 for "". */
    public static int tokenCount(String subject) {
        if (subject.isEmpty()) {
            return 0;
        }
        int count = 1;
        for (int i = 0; i < subject.length(); i++) {
            if (subject.charAt(i) == SEPARATOR) {
                count++;
            }
        }
        return count;
    }

    /**
     * Whether {@code filter} matches {@code literalSubject}. Every token of the subject is taken
     * literally, which is how nats-server routes a message published (by a client that is not
     * pedantic) to a subject such as {@code "a.*"}: filters {@code "a.*"} and {@code "a.>"}
     * receive it, {@code "a.b"} does not. Returns false when the filter is not a valid filter or
     * the subject has an empty token or whitespace.
     */
    public static boolean matches(String filter, String literalSubject) {
        if (!isValidFilter(filter) || !isValidIgnoringWildcards(literalSubject)) {
            return false;
        }
        int f = 0;
        int s = 0;
        int fLen = filter.length();
        int sLen = literalSubject.length();
        while (f < fLen) {
            if (s >= sLen) {
                return false;
            }
            int fEnd = tokenEnd(filter, f);
            int sEnd = tokenEnd(literalSubject, s);
            if (isTail(filter, f, fEnd)) {
                return true;
            }
            if (!isOneToken(filter, f, fEnd) && !sameToken(filter, f, fEnd, literalSubject, s, sEnd)) {
                return false;
            }
            f = fEnd + 1;
            s = sEnd + 1;
        }
        return s >= sLen;
    }

    /**
     * Whether at least one literal subject is matched by both filters ("the filters collide"), as
     * streams require of their subjects. Returns false when either is not a valid filter.
     */
    public static boolean overlaps(String filterA, String filterB) {
        if (!isValidFilter(filterA) || !isValidFilter(filterB)) {
            return false;
        }
        int a = 0;
        int b = 0;
        while (a < filterA.length() && b < filterB.length()) {
            int aEnd = tokenEnd(filterA, a);
            int bEnd = tokenEnd(filterB, b);
            if (isTail(filterA, a, aEnd) || isTail(filterB, b, bEnd)) {
                // '>' takes one or more tokens; the other side has at least this one left.
                return true;
            }
            if (!isOneToken(filterA, a, aEnd) && !isOneToken(filterB, b, bEnd)
                    && !sameToken(filterA, a, aEnd, filterB, b, bEnd)) {
                return false;
            }
            a = aEnd + 1;
            b = bEnd + 1;
        }
        // Without '>' on the way, the two must have the same number of tokens.
        return a >= filterA.length() && b >= filterB.length();
    }

    /**
     * Whether every subject that {@code filter} matches is also matched by {@code ofFilter}, for
     * permissions and stream subjects: {@code "a.*"} is a subset of {@code "a.>"} and of
     * {@code "*.*"} but not of {@code "a.b"}; a filter is a subset of itself. Returns false when
     * either is not a valid filter.
     */
    public static boolean isSubsetOf(String filter, String ofFilter) {
        if (!isValidFilter(filter) || !isValidFilter(ofFilter)) {
            return false;
        }
        int f = 0;
        int o = 0;
        while (o < ofFilter.length()) {
            if (f >= filter.length()) {
                return false;
            }
            int fEnd = tokenEnd(filter, f);
            int oEnd = tokenEnd(ofFilter, o);
            if (isTail(ofFilter, o, oEnd)) {
                return true;
            }
            if (isTail(filter, f, fEnd)) {
                return false;
            }
            if (isOneToken(ofFilter, o, oEnd)) {
                // Covers a literal token and '*' alike.
            } else if (isOneToken(filter, f, fEnd) || !sameToken(filter, f, fEnd, ofFilter, o, oEnd)) {
                return false;
            }
            f = fEnd + 1;
            o = oEnd + 1;
        }
        return f >= filter.length();
    }

    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
    }

    static boolean isWildcard(int c) {
        return c == ONE_TOKEN || c == TAIL;
    }

    /** Non-empty, no whitespace, every token non-empty; wildcard tokens allowed anywhere. */
    private static boolean isValidIgnoringWildcards(String subject) {
        int len = subject.length();
        int tokenStart = 0;
        for (int i = 0; i < len; i++) {
            char c = subject.charAt(i);
            if (c == SEPARATOR) {
                if (i == tokenStart) {
                    return false;
                }
                tokenStart = i + 1;
            } else if (isWhitespace(c)) {
                return false;
            }
        }
        return tokenStart < len;
    }

    private static boolean isLiteralToken(byte[] b, int start, int end) {
        int len = end - start;
        return len > 1 || len == 1 && !isWildcard(b[start]);
    }

    private static boolean isLiteralToken(String s, int start, int end) {
        int len = end - start;
        return len > 1 || len == 1 && !isWildcard(s.charAt(start));
    }

    private static boolean isTail(String s, int start, int end) {
        return end - start == 1 && s.charAt(start) == TAIL;
    }

    private static boolean isOneToken(String s, int start, int end) {
        return end - start == 1 && s.charAt(start) == ONE_TOKEN;
    }

    private static boolean sameToken(String a, int aStart, int aEnd, String b, int bStart, int bEnd) {
        return aEnd - aStart == bEnd - bStart && a.regionMatches(aStart, b, bStart, aEnd - aStart);
    }

    private static int tokenEnd(String s, int start) {
        int dot = s.indexOf(SEPARATOR, start);
        return dot < 0 ? s.length() : dot;
    }
}
