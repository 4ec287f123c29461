package io.halyard.core.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubjectsTest {

    /** subject, valid publish subject, valid filter, literal (only meaningful when a valid filter). */
    static Stream<Arguments> subjects() {
        return Stream.of(
                // plain literals
                row("foo", true, true, true),
                row("foo.bar", true, true, true),
                row("foo.bar.baz.qux", true, true, true),
                row("_INBOX.ABCdef123.42", true, true, true),
                row("$JS.API.STREAM.CREATE.orders", true, true, true),
                row("ünïcödé.Ω", true, true, true),
                // wildcard tokens
                row("*", false, true, false),
                row(">", false, true, false),
                row("foo.*", false, true, false),
                row("foo.>", false, true, false),
                row("*.bar", false, true, false),
                row("foo.*.baz", false, true, false),
                row("*.*.>", false, true, false),
                // '>' must be last
                row("foo.>.bar", false, false, false),
                row(">.foo", false, false, false),
                row(">.>", false, false, false),
                // wildcard characters inside a longer token are literals (as in nats-server)
                row("foo.b*", true, true, true),
                row("foo.*b", true, true, true),
                row("foo.>b", true, true, true),
                row("foo.b>", true, true, true),
                row("**", true, true, true),
                row(">>.x", true, true, true),
                row("a.*>.b", true, true, true),
                // empty tokens
                row("", false, false, true),
                row(".", false, false, true),
                row(".foo", false, false, true),
                row("foo.", false, false, true),
                row("foo..bar", false, false, true),
                row("foo.*.", false, false, false),
                row("foo.>.", false, false, false),
                // whitespace anywhere
                row("foo bar", false, false, true),
                row(" foo", false, false, true),
                row("foo ", false, false, true),
                row("foo.\tbar", false, false, true),
                row("foo.b\rar", false, false, true),
                row("foo.bar\n", false, false, true),
                row("foo.b\far", false, false, true),
                row("foo. ", false, false, true),
                row("* .x", false, false, true));
    }

    private static Arguments row(String subject, boolean publish, boolean filter, boolean literal) {
        return Arguments.of(subject, publish, filter, literal);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("subjects")
    void shouldValidatePublishSubjectsAsStringAndBytes(String subject, boolean publish, boolean filter,
            boolean literal) {
        assertEquals(publish, Subjects.isValidPublishSubject(subject), "String");
        byte[] bytes = subject.getBytes(StandardCharsets.UTF_8);
        assertEquals(publish, Subjects.isValidPublishSubject(bytes, 0, bytes.length), "bytes");
        byte[] framed = ("PUB " + subject + " 5").getBytes(StandardCharsets.UTF_8);
        assertEquals(publish, Subjects.isValidPublishSubject(framed, 4, bytes.length), "bytes at offset");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("subjects")
    void shouldValidateFilters(String subject, boolean publish, boolean filter, boolean literal) {
        assertEquals(filter, Subjects.isValidFilter(subject));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("subjects")
    void shouldTellLiteralsFromWildcardSubjects(String subject, boolean publish, boolean filter,
            boolean literal) {
        assertEquals(literal, Subjects.isLiteral(subject));
    }

    static Stream<Arguments> tokenCounts() {
        return Stream.of(Arguments.of("", 0), Arguments.of("a", 1), Arguments.of("a.b", 2),
                Arguments.of("a.*.>", 3), Arguments.of("a..b", 3));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" has {1}")
    @MethodSource("tokenCounts")
    void shouldCountTokens(String subject, int count) {
        assertEquals(count, Subjects.tokenCount(subject));
    }

    /** filter, subject, matches. */
    static Stream<Arguments> matches() {
        return Stream.of(
                Arguments.of("foo", "foo", true),
                Arguments.of("foo", "bar", false),
                Arguments.of("foo", "foo.bar", false),
                Arguments.of("foo.bar", "foo", false),
                Arguments.of("foo.bar", "foo.bar", true),
                Arguments.of("foo.bar", "foo.baz", false),
                Arguments.of("foo.bar", "foo.barr", false),
                Arguments.of("foo.*", "foo.bar", true),
                Arguments.of("foo.*", "foo", false),
                Arguments.of("foo.*", "foo.bar.baz", false),
                Arguments.of("*", "foo", true),
                Arguments.of("*", "foo.bar", false),
                Arguments.of("*.bar", "foo.bar", true),
                Arguments.of("*.*", "foo.bar", true),
                Arguments.of("foo.*.baz", "foo.bar.baz", true),
                Arguments.of("foo.*.baz", "foo.bar.qux", false),
                Arguments.of("foo.>", "foo.bar", true),
                Arguments.of("foo.>", "foo.bar.baz", true),
                Arguments.of("foo.>", "foo", false),
                Arguments.of(">", "foo", true),
                Arguments.of(">", "foo.bar.baz", true),
                Arguments.of("*.>", "foo", false),
                Arguments.of("*.>", "foo.bar", true),
                // partial-token wildcards are literal characters
                Arguments.of("foo.b*", "foo.bar", false),
                Arguments.of("foo.b*", "foo.b*", true),
                Arguments.of("foo.>b", "foo.x.b", false),
                // wildcard tokens in the subject are literal tokens (publish without pedantic)
                Arguments.of("foo.*", "foo.*", true),
                Arguments.of("foo.>", "foo.>", true),
                Arguments.of("foo.bar", "foo.*", false),
                Arguments.of("*.*", "foo.>", true),
                // invalid input never matches
                Arguments.of("foo.>.bar", "foo.x.bar", false),
                Arguments.of("foo..bar", "foo..bar", false),
                Arguments.of("foo", "", false),
                Arguments.of("", "", false),
                Arguments.of("foo.*", "foo. ", false),
                Arguments.of("foo bar", "foo bar", false));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" ~ \"{1}\" = {2}")
    @MethodSource("matches")
    void shouldMatchFiltersAgainstSubjects(String filter, String subject, boolean expected) {
        assertEquals(expected, Subjects.matches(filter, subject));
    }

    /** a, b, overlaps. */
    static Stream<Arguments> overlaps() {
        return Stream.of(
                Arguments.of("foo", "foo", true),
                Arguments.of("foo", "bar", false),
                Arguments.of("foo.bar", "foo", false),
                Arguments.of("foo.*", "foo.bar", true),
                Arguments.of("foo.*", "*.bar", true),
                Arguments.of("foo.*", "bar.*", false),
                Arguments.of("foo.*", "foo.*.baz", false),
                Arguments.of("foo.*", "foo.>", true),
                Arguments.of("foo.>", "foo", false),
                Arguments.of("foo.>", "foo.bar.baz", true),
                Arguments.of("foo.>", "*.*.*.*", true),
                Arguments.of("foo.>", "bar.>", false),
                Arguments.of("foo.>", "*.bar.>", true),
                Arguments.of("foo.bar.>", "*.baz.>", false),
                Arguments.of(">", "foo", true),
                Arguments.of(">", ">", true),
                Arguments.of("*", ">", true),
                Arguments.of("*.*", "foo.bar.>", false),
                Arguments.of("*.*.*", "foo.bar.>", true),
                Arguments.of("*.>", "foo", false),
                Arguments.of("foo.b*", "foo.bar", false),
                Arguments.of("foo.b*", "foo.*", true),
                Arguments.of("foo.>.bar", "foo.>", false),
                Arguments.of("foo", "", false));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" overlaps \"{1}\" = {2}")
    @MethodSource("overlaps")
    void shouldFindOverlapsSymmetrically(String a, String b, boolean expected) {
        assertEquals(expected, Subjects.overlaps(a, b));
        assertEquals(expected, Subjects.overlaps(b, a));
    }

    /** filter, ofFilter, isSubsetOf. */
    static Stream<Arguments> subsets() {
        return Stream.of(
                Arguments.of("foo", "foo", true),
                Arguments.of("foo", "bar", false),
                Arguments.of("foo.bar", "foo.*", true),
                Arguments.of("foo.bar", "foo.>", true),
                Arguments.of("foo.bar", ">", true),
                Arguments.of("foo.bar", "*.*", true),
                Arguments.of("foo.bar", "*", false),
                Arguments.of("foo.*", "foo.*", true),
                Arguments.of("foo.*", "foo.>", true),
                Arguments.of("foo.*", "*.*", true),
                Arguments.of("foo.*", "foo.bar", false),
                Arguments.of("foo.*", "foo.*.>", false),
                Arguments.of("foo.>", "foo.>", true),
                Arguments.of("foo.>", ">", true),
                Arguments.of("foo.>", "foo.*", false),
                Arguments.of("foo.>", "*.>", true),
                Arguments.of("foo.>", "foo.*.>", false),
                Arguments.of("foo.*.>", "foo.>", true),
                Arguments.of("foo", "foo.>", false),
                Arguments.of(">", "*", false),
                Arguments.of("*", ">", true),
                Arguments.of("foo.b*", "foo.*", true),
                Arguments.of("foo.*", "foo.b*", false),
                Arguments.of("foo.>.bar", ">", false),
                Arguments.of("foo", "foo..bar", false));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" within \"{1}\" = {2}")
    @MethodSource("subsets")
    void shouldDecideFilterContainment(String filter, String ofFilter, boolean expected) {
        assertEquals(expected, Subjects.isSubsetOf(filter, ofFilter));
    }
}
